package io.asyncinvoke.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Small helpers the harnesses share: process CPU time, medians and spreads. */
final class Stats {

    private Stats() {
    }

    /** CPU time of this whole JVM (all threads, GC and JIT included), in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * CPU time of this JVM's application threads (event loops, schedulers, the caller), per
     * thread: the work of the requests themselves, without the JIT compiler, GC and VM threads,
     * which HotSpot does not show as Java threads. The JIT keeps compiling while the harness
     * alternates contenders whose call sites it keeps re-profiling, and that cost, a warm-up cost
     * in a real service, is noise here.
     */
    static Map<Long, Long> threadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long nanos = threads.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return cpu;
    }

    /** Application-thread CPU spent since {@code before} (a thread that ended meanwhile is not counted). */
    static long threadCpuNanosSince(Map<Long, Long> before) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : threadCpuNanos().entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    /** "median [min-max]" with the given number format. */
    static String spread(List<Double> values, String format) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT, format + " [" + format + "-" + format + "]", median(values), v[0],
                v[v.length - 1]);
    }

    static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    /** Cores, the 1-minute load average when called (the machine may be shared), JVM, heap. */
    static String machine() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "%d cores, load average %.2f (1 min, when printed), %s %s (%s), max heap %d MiB",
                Runtime.getRuntime().availableProcessors(), load, System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().maxMemory() >> 20);
    }
}
