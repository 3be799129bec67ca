package io.github.twocheckout.connector.simulator;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The machine-readable result of a load run (printed as JSON). Counts add up: {@code sent} is the sum
 * of {@code byStatus} (status 0 = no answer) and of {@code ok} and {@code failed}; {@code errors}
 * counts the failed calls by cause.
 */
public record LoadSummary(String url, String mix, int concurrency, Integer rate, double elapsedSeconds, long sent, long ok,
                          long failed, Map<String, Long> byStatus, Map<String, Long> errors, Map<String, Long> byMix,
                          double throughputPerSecond, Latency latencyMs, Map<String, ChannelFigures> channels,
                          List<String> firstErrors) {

    /** Latency percentiles in milliseconds (histograms record microseconds). */
    public record Latency(double p50, double p90, double p99, double p999, double max, double mean) {
        static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0, 0);
            }
            return new Latency(ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                    ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), Math.round(h.getMean()) / 1000.0);
        }

        private static double ms(long micros) {
            return Math.round(micros / 10.0) / 100.0;
        }
    }

    public record ChannelFigures(long sent, long ok, Latency latencyMs) {
    }
}
