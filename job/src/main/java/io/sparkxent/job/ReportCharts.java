package io.sparkxent.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The report's charts as SVG drawn on the JVM: no script library to pin, ship and load, nothing to
 * fetch, and a 1,000-slice page that renders as fast as the browser parses it. Every mark carries
 * the numbers it draws ({@code data-mean}, {@code data-low}, ...) as Java's shortest round-trip
 * decimal, so a reader (or a test) can tie each dot to its row of the metrics table.
 */
final class ReportCharts {
  private static final int WIDTH = 960;
  private static final int LABEL_WIDTH = 300;
  private static final int ROW = 18;
  private static final int TOP = 28;

  private ReportCharts() {}

  /** Each slice's mean and 95% interval, worst first, with the overall mean as a reference line. */
  static String dotAndWhisker(String slicing, List<ReportData.Point> points, Double reference) {
    List<ReportData.Point> drawn = points.stream().filter(point -> point.mean() != null).toList();
    if (drawn.isEmpty()) {
      return "<p class=\"empty\">No slice has a loss mean.</p>";
    }
    Scale x = Scale.of(drawn.stream().flatMap(p -> java.util.stream.Stream.of(p.low(), p.high(), p.mean())).toList(), reference,
        LABEL_WIDTH + 10, WIDTH - 20);
    int height = TOP + drawn.size() * ROW + 10;
    StringBuilder svg = open("dot-and-whisker\" data-slicing=\"" + escape(slicing), height);
    axis(svg, x, height);
    for (int i = 0; i < drawn.size(); i++) {
      ReportData.Point point = drawn.get(i);
      double y = TOP + i * ROW + ROW / 2.0;
      svg.append(String.format(Locale.ROOT, "<g class=\"mark slice-mark%s\" data-label=\"%s\" data-rows=\"%d\" data-mean=\"%s\""
          + " data-low=\"%s\" data-high=\"%s\" data-small=\"%s\"><title>%s: %s [%s, %s], %d rows%s</title>",
          point.small() ? " small" : "", escape(point.label()), point.rows(), point.mean(), point.low(), point.high(),
          point.small(), escape(point.label()), short4(point.mean()), short4(point.low()), short4(point.high()), point.rows(),
          point.small() ? ", small slice" : ""));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"label\">%s%s</text>", LABEL_WIDTH, y + 4,
          escape(shorten(point.label(), 44)), point.small() ? " (small)" : ""));
      whisker(svg, x, y, point.low(), point.high(), point.mean(), point.small() ? "small" : "current", !point.small());
      svg.append("</g>");
    }
    if (reference != null) {
      svg.append(String.format(Locale.ROOT, "<line class=\"reference\" data-mean=\"%s\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
          + "<text class=\"reference-label\" x=\"%.1f\" y=\"%d\">overall %s</text>", reference, x.at(reference), x.at(reference),
          TOP - 6, height - 10, x.at(reference) + 3, TOP - 8, short4(reference)));
    }
    return svg.append("</svg>").toString();
  }

  /** One series over the runs: the mean per run with its 95% interval as a band. */
  static String trend(ReportData.Series series, java.util.Map<String, java.util.Map<String, String>> runTags) {
    List<ReportData.Point> points = series.points().stream().filter(point -> point.mean() != null).toList();
    if (points.isEmpty()) {
      return "<p class=\"empty\">No run has a loss mean here.</p>";
    }
    int width = 460;
    int height = 210;
    Scale y = Scale.of(points.stream().flatMap(p -> java.util.stream.Stream.of(p.low(), p.high(), p.mean())).toList(), null,
        height - 50, 20);
    double left = 60;
    double step = points.size() == 1 ? 0 : (width - left - 20) / (points.size() - 1.0);
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg class=\"chart trend\" data-series=\"%s\" data-runs=\"%d\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " xmlns=\"http://www.w3.org/2000/svg\">", escape(series.label()), points.size(), width, height, width, height));
    for (double tick : y.ticks()) {
      svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
          + "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>", left, width - 10, y.at(tick), y.at(tick),
          left - 4, y.at(tick) + 4, short4(tick)));
    }
    StringBuilder upper = new StringBuilder();
    StringBuilder lower = new StringBuilder();
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < points.size(); i++) {
      ReportData.Point point = points.get(i);
      double x = left + (points.size() == 1 ? (width - left - 20) / 2.0 : i * step);
      if (point.low() != null && point.high() != null) {
        upper.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y.at(point.high())));
        lower.insert(0, String.format(Locale.ROOT, "%.1f,%.1f ", x, y.at(point.low())));
      }
      line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y.at(point.mean())));
    }
    svg.append("<polygon class=\"band\" points=\"").append(upper).append(lower).append("\"/>");
    svg.append("<polyline class=\"trend-line\" points=\"").append(line).append("\"/>");
    for (int i = 0; i < points.size(); i++) {
      ReportData.Point point = points.get(i);
      double x = left + (points.size() == 1 ? (width - left - 20) / 2.0 : i * step);
      String tags = runTags.getOrDefault(point.runId(), java.util.Map.of()).toString();
      svg.append(String.format(Locale.ROOT, "<circle class=\"mark trend-point\" data-run=\"%s\" data-mean=\"%s\" data-low=\"%s\""
          + " data-high=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"><title>run %s %s: %s [%s, %s]</title></circle>",
          escape(point.runId()), point.mean(), point.low(), point.high(), x, y.at(point.mean()), escape(point.runId()), escape(tags),
          short4(point.mean()), short4(point.low()), short4(point.high())));
      if (points.size() <= 8 || i == 0 || i == points.size() - 1) {
        // the first and last labels lean inwards: the chart's edges would cut them
        String anchor = points.size() == 1 ? "middle" : i == 0 ? "start" : i == points.size() - 1 ? "end" : "middle";
        svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>", x,
            height - 30, anchor, escape(shorten(point.runId(), 18))));
      }
    }
    return svg.append("</svg>").toString();
  }

  /** This run's interval over the baseline run's, per slice; slices whose intervals part are marked. */
  static String comparison(List<ReportData.Delta> deltas) {
    if (deltas.isEmpty()) {
      return "<p class=\"empty\">No slice is in both runs.</p>";
    }
    Scale x = Scale.of(deltas.stream().flatMap(d -> java.util.stream.Stream.of(d.low(), d.high(), d.baseLow(), d.baseHigh())).toList(),
        null, LABEL_WIDTH + 10, WIDTH - 20);
    int height = TOP + deltas.size() * ROW + 10;
    StringBuilder svg = open("comparison", height);
    axis(svg, x, height);
    for (int i = 0; i < deltas.size(); i++) {
      ReportData.Delta delta = deltas.get(i);
      double y = TOP + i * ROW + ROW / 2.0;
      svg.append(String.format(Locale.ROOT, "<g class=\"mark delta-mark%s\" data-label=\"%s\" data-mean=\"%s\" data-base-mean=\"%s\""
          + " data-delta=\"%s\" data-separated=\"%s\"><title>%s: %s against %s (%s%s)</title>", delta.separated() ? " separated" : "",
          escape(delta.label()), delta.mean(), delta.baseMean(), delta.mean() - delta.baseMean(), delta.separated(),
          escape(delta.label()), short4(delta.mean()), short4(delta.baseMean()), delta.mean() >= delta.baseMean() ? "+" : "",
          short4(delta.mean() - delta.baseMean())));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"label\">%s%s</text>", LABEL_WIDTH, y + 4,
          delta.separated() ? "\u2260 " : "", escape(shorten(delta.label(), 44))));
      whisker(svg, x, y - 3, delta.baseLow(), delta.baseHigh(), delta.baseMean(), "baseline", false);
      whisker(svg, x, y + 3, delta.low(), delta.high(), delta.mean(), delta.separated() ? "separated" : "current", true);
      svg.append("</g>");
    }
    return svg.append("</svg>").toString();
  }

  /** The overall reliability diagram: mean label against mean prediction per bin, sized by weight. */
  static String reliability(List<ReportData.Bin> bins) {
    List<ReportData.Bin> drawn = bins.stream().filter(bin -> bin.meanPrediction() != null && bin.meanLabel() != null).toList();
    if (drawn.isEmpty()) {
      return "<p class=\"empty\">No calibration bins (no rows).</p>";
    }
    int size = 380;
    double weight = drawn.stream().mapToDouble(ReportData.Bin::weight).sum();
    Scale axis = new Scale(0, 1, 50, size - 20);
    Scale up = new Scale(0, 1, size - 40, 10);
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<svg class=\"chart reliability\" width=\"%d\" height=\"%d\""
        + " viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">", size, size, size, size));
    for (double tick : new double[] {0, 0.25, 0.5, 0.75, 1}) {
      svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"10\" y2=\"%d\"/>"
          + "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>"
          + "<text class=\"tick\" x=\"44\" y=\"%.1f\" text-anchor=\"end\">%s</text>", axis.at(tick), axis.at(tick), size - 40,
          axis.at(tick), size - 26, tick, up.at(tick) + 4, tick));
    }
    svg.append(String.format(Locale.ROOT, "<line class=\"diagonal\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", axis.at(0),
        up.at(0), axis.at(1), up.at(1)));
    svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">mean prediction</text>",
        size / 2 + 15, size - 6));
    for (ReportData.Bin bin : drawn) {
      double share = weight == 0 ? 0 : bin.weight() / weight;
      svg.append(String.format(Locale.ROOT, "<rect class=\"bin-weight\" x=\"%.1f\" width=\"%.1f\" y=\"%.1f\" height=\"%.1f\"/>",
          axis.at(bin.low()) + 1, axis.at(bin.high()) - axis.at(bin.low()) - 2, up.at(0) - share * 60, share * 60));
      svg.append(String.format(Locale.ROOT, "<circle class=\"mark calibration-bin\" data-bin=\"%d\" data-rows=\"%d\""
          + " data-mean-prediction=\"%s\" data-mean-label=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"><title>bin %d [%s, %s):"
          + " mean prediction %s, mean label %s, %d rows</title></circle>", bin.bin(), bin.rows(), bin.meanPrediction(),
          bin.meanLabel(), axis.at(bin.meanPrediction()), up.at(bin.meanLabel()), 3 + 6 * Math.sqrt(share), bin.bin(),
          short4(bin.low()), short4(bin.high()), short4(bin.meanPrediction()), short4(bin.meanLabel()), bin.rows()));
    }
    return svg.append("</svg>").toString();
  }

  private static StringBuilder open(String kind, int height) {
    return new StringBuilder(String.format(Locale.ROOT, "<svg class=\"chart %s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
        + " xmlns=\"http://www.w3.org/2000/svg\">", kind, WIDTH, height, WIDTH, height));
  }

  private static void axis(StringBuilder svg, Scale x, int height) {
    for (double tick : x.ticks()) {
      svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
          + "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x.at(tick), x.at(tick), TOP - 4,
          height - 8, x.at(tick), height, short4(tick)));
    }
  }

  private static void whisker(StringBuilder svg, Scale x, double y, Double low, Double high, double mean, String kind, boolean filled) {
    if (low != null && high != null) {
      svg.append(String.format(Locale.ROOT, "<line class=\"whisker %s\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", kind,
          x.at(low), x.at(high), y, y));
    }
    svg.append(String.format(Locale.ROOT, "<circle class=\"dot %s%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>", kind,
        filled ? "" : " hollow", x.at(mean), y));
  }

  /** A linear map from data to pixels over the values' range (with the reference), padded by 5%. */
  record Scale(double low, double high, double from, double to) {
    static Scale of(List<Double> values, Double reference, double from, double to) {
      List<Double> all = new ArrayList<>(values.stream().filter(Objects::nonNull).filter(Double::isFinite).toList());
      if (reference != null && Double.isFinite(reference)) {
        all.add(reference);
      }
      double low = all.stream().mapToDouble(Double::doubleValue).min().orElse(0);
      double high = all.stream().mapToDouble(Double::doubleValue).max().orElse(1);
      double pad = high > low ? (high - low) * 0.05 : Math.max(Math.abs(low) * 0.05, 1e-3);
      return new Scale(low - pad, high + pad, from, to);
    }

    double at(double value) {
      double clamped = Double.isFinite(value) ? Math.max(low, Math.min(high, value)) : (value > 0 ? high : low);
      return from + (clamped - low) / (high - low) * (to - from);
    }

    List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      for (int i = 0; i <= 4; i++) {
        ticks.add(low + (high - low) * i / 4);
      }
      return ticks;
    }
  }

  static String short4(Double value) {
    return value == null ? "NULL" : String.format(Locale.ROOT, "%.4g", value);
  }

  static String shorten(String text, int width) {
    return text.length() <= width ? text : text.substring(0, width - 1) + "\u2026";
  }

  static String escape(String text) {
    return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
