#!/bin/sh
# Builds the native kernels (spike recurrence, dense products, attention): build.sh OUTPUT_DIR JAVA_HOME
# Without gcc or JNI headers it says so and builds nothing: the Java kernel and the engine's operations then run.
set -e
out="$1"
jdk="$2"
dir="$(dirname "$0")"
if ! command -v gcc >/dev/null 2>&1; then
    echo "[spikelm] gcc not found: no native kernels in this build (the Java kernel runs)"
    exit 0
fi
if [ ! -f "$jdk/include/jni.h" ]; then
    echo "[spikelm] $jdk/include/jni.h not found: no native kernels in this build (the Java kernel runs)"
    exit 0
fi
mkdir -p "$out"
# -ffp-contract=off: a*b + c stays two roundings, as in Java and PyTorch; no -ffast-math. The
# AVX-512 kernels name their instruction sets per function and are called only where the CPU has them.
gcc -std=gnu11 -O3 -ffp-contract=off -fPIC -shared -Wall -Wextra -Werror \
    -I"$jdk/include" -I"$jdk/include/linux" -o "$out/libspikelm_kernels.so" \
    "$dir/parallel.c" "$dir/spikelm_neuron.c" "$dir/linear.c" "$dir/attention.c" "$dir/ternary.c" "$dir/kernels_jni.c" -ldl -lpthread -lm
echo "[spikelm] built $out/libspikelm_kernels.so"
