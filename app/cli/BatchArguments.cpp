#include "BatchArguments.h"

#include <algorithm>
#include <iostream>
#include <thread>

namespace specres::cli {

int coresHere() { return int(std::max(1u, std::thread::hardware_concurrency())); }

bool takeRunFolder(ArgumentParser& parser, const char* sub, int argc, char** argv, std::string& run,
                   int& exitCode) {
    if (argc < 4 || std::string(argv[3]).rfind("--", 0) == 0) {
        if (argc >= 4 && (std::string(argv[3]) == "--help" || std::string(argv[3]) == "-h")) {
            std::cout << parser.help();
            exitCode = 0;
        } else {
            std::cerr << kProgram << " batch " << sub << ": missing RUN (the batch folder)\n\n"
                      << parser.help();
            exitCode = 2;
        }
        return false;
    }
    run = argv[3];
    return true;
}

}  // namespace specres::cli
