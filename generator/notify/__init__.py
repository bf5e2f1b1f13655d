"""Messages to the work chat (`trackboard notify`): what they say, how they are sent, and the ledger of what was."""
