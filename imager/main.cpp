#include "cli.h"

int main(int argc, char** argv) { return ptclean::imager::runCli(argc, argv); }
