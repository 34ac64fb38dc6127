# CMake toolchain file: cross-compile libvaluepix for 64-bit Arm Linux with Debian's cross toolchain
# (apt-get install gcc-aarch64-linux-gnu qemu-user). Tests run through qemu-aarch64 with the
# Debian aarch64 sysroot, so `ctest` works on an x86-64 host.
#   cmake -S native/cmake -B native/build-aarch64 -DCMAKE_TOOLCHAIN_FILE=native/cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(VP_CROSS_PREFIX aarch64-linux-gnu- CACHE STRING "cross tool prefix")
set(VP_CROSS_SYSROOT /usr/aarch64-linux-gnu CACHE PATH "target runtime root (libc, ld.so)")

set(CMAKE_C_COMPILER ${VP_CROSS_PREFIX}gcc)
set(CMAKE_AR ${VP_CROSS_PREFIX}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${VP_CROSS_PREFIX}ranlib CACHE FILEPATH "")
set(CMAKE_STRIP ${VP_CROSS_PREFIX}strip CACHE FILEPATH "")
set(CMAKE_NM ${VP_CROSS_PREFIX}nm CACHE FILEPATH "")

set(CMAKE_FIND_ROOT_PATH ${VP_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# how ctest / add_test run target binaries on the build host
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;${VP_CROSS_SYSROOT})
