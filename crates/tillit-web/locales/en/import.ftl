# Import and export of the registers
