#!/bin/sh
# Builds the native spike kernel: build.sh OUTPUT_DIR JAVA_HOME
# Without gcc or JNI headers it says so and builds nothing: the Java kernel then runs.
set -e
out="$1"
jdk="$2"
src="${0%/*}/spikelm_neuron.c"
if ! command -v gcc >/dev/null 2>&1; then
    echo "[spikelm] gcc not found: no native spike kernel in this build (the Java kernel runs)"
    exit 0
fi
if [ ! -f "$jdk/include/jni.h" ]; then
    echo "[spikelm] $jdk/include/jni.h not found: no native spike kernel in this build (the Java kernel runs)"
    exit 0
fi
mkdir -p "$out"
# -ffp-contract=off: a*b + c stays two roundings, as in Java and PyTorch; no -ffast-math.
gcc -std=c11 -O3 -ffp-contract=off -fPIC -shared -Wall -Wextra -Werror \
    -I"$jdk/include" -I"$jdk/include/linux" -o "$out/libspikelm_neuron.so" "$src" -ldl -lpthread
echo "[spikelm] built $out/libspikelm_neuron.so"
