#!/bin/sh
# Builds the native kernels (spike recurrence, dense products, attention): build.sh OUTPUT_DIR JAVA_HOME
# Whenever they cannot be built here (no gcc, no JNI headers, a compiler that cannot compile the
# AVX-512 code: an old gcc, clang installed as gcc) it says why and exits 0, building nothing:
# the Java kernel and the engine's operations then run. The build never fails for want of them.
out="$1"
jdk="$2"
dir="$(dirname "$0")"
library="$out/libspikelm_kernels.so"
skip() {
    echo "[spikelm] native kernels not built: $1 (the Java kernel and the engine's operations run)"
    exit 0
}
# No library from an earlier build may outlive a failed one.
rm -f "$library"
command -v gcc >/dev/null 2>&1 || skip "gcc not found"
[ -f "$jdk/include/jni.h" ] || skip "$jdk/include/jni.h not found"
mkdir -p "$out" || skip "cannot create $out"
log="$(mktemp 2>/dev/null || echo "$out/build.log")"
# -ffp-contract=off: a*b + c stays two roundings, as in Java and PyTorch; no -ffast-math. The
# AVX-512 kernels name their instruction sets per function (no -march), so the library builds on
# any x86-64 and is called only where the processor has them (sl_linear_supported, sl_int8_supported).
# SPIKELM_CFLAGS adds flags (a test of this script passes a bad one to see it skip).
# shellcheck disable=SC2086
if gcc -std=gnu11 -O3 -ffp-contract=off -fPIC -shared -Wall -Wextra -Werror ${SPIKELM_CFLAGS:-} \
    -I"$jdk/include" -I"$jdk/include/linux" -o "$library" \
    "$dir/parallel.c" "$dir/spikelm_neuron.c" "$dir/linear.c" "$dir/attention.c" "$dir/encoder_layer.c" "$dir/ternary.c" "$dir/events.c" "$dir/kernels_jni.c" \
    -ldl -lpthread -lm >"$log" 2>&1; then
    rm -f "$log"
    echo "[spikelm] built $library"
else
    reason="$(grep -m 1 -i 'error' "$log" || head -n 1 "$log")"
    version="$(gcc --version 2>/dev/null | head -n 1)"
    rm -f "$log" "$library"
    skip "${version:-gcc} could not compile them: ${reason:-no message}"
fi
