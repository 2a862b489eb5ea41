int csocketshims_placeholder(void) { return 0; }
