package io.sparkxent.job;

import static io.sparkxent.job.ReportCharts.escape;
import static io.sparkxent.job.ReportCharts.short4;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's HTML report, one self-contained file: styles, charts (SVG) and the table's sort script
 * inline, and a Content-Security-Policy that forbids every request, so it opens offline from disk,
 * a mail attachment or an object store. {@link #json()} is the data every chart is drawn from.
 */
final class ReportPage {
  private static final String STYLE = String.join("\n",
      "body{font:14px system-ui,sans-serif;margin:24px;color:#1d2430;max-width:1000px}",
      "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px}h3{font-size:14px;margin:14px 0 4px}",
      "a.anchor{color:#aab;text-decoration:none;margin-left:6px}nav a{margin-right:12px}",
      ".headline{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}",
      ".figure{border:1px solid #dde;border-radius:6px;padding:8px 12px;min-width:120px}",
      ".figure b{display:block;font-size:18px}.figure span{color:#667;font-size:12px}",
      ".note,.empty{color:#667}.small{color:#999}",
      "svg .grid{stroke:#eee}svg .tick{font-size:10px;fill:#667}svg .label{font-size:11px;text-anchor:end;fill:#1d2430}",
      "svg .whisker{stroke-width:2}svg .whisker.current{stroke:#3461c1}svg .whisker.small{stroke:#bbb}",
      "svg .whisker.baseline{stroke:#aaa}svg .whisker.separated{stroke:#c4372b}",
      "svg .dot.current{fill:#3461c1}svg .dot.separated{fill:#c4372b}svg .dot.hollow{fill:#fff;stroke:#999}",
      "svg .reference{stroke:#e39b17;stroke-dasharray:4 3}svg .reference-label{font-size:10px;fill:#b37400}",
      "svg .band{fill:#3461c1;opacity:.15}svg .trend-line{fill:none;stroke:#3461c1;stroke-width:1.5}",
      "svg .trend-point{fill:#3461c1}svg .diagonal{stroke:#bbb;stroke-dasharray:4 3}",
      "svg .calibration-bin{fill:#3461c1;opacity:.8}svg .bin-weight{fill:#dfe6f5}",
      ".trends{display:flex;flex-wrap:wrap;gap:12px}",
      ".scroll{overflow-x:auto}table{border-collapse:collapse;font-size:12px}th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:right}",
      "th{cursor:pointer;background:#f5f6f9;position:sticky;top:0}th:first-child,td:first-child{text-align:left}",
      "tr.small td{color:#999}tr.failed td{background:#fdecea}");
  /** Sorts the table by a clicked header: numbers as numbers, NULL last; a second click reverses. */
  private static final String SORT_SCRIPT = String.join("\n",
      "document.querySelectorAll('table.sortable th').forEach(function (th, column) {",
      "  th.addEventListener('click', function () {",
      "    var body = th.closest('table').tBodies[0];",
      "    var ascending = th.getAttribute('data-sorted') !== 'ascending';",
      "    th.closest('tr').querySelectorAll('th').forEach(function (other) { other.removeAttribute('data-sorted'); });",
      "    th.setAttribute('data-sorted', ascending ? 'ascending' : 'descending');",
      "    var rows = Array.prototype.slice.call(body.rows);",
      "    rows.sort(function (a, b) {",
      "      var x = a.cells[column].getAttribute('data-value'), y = b.cells[column].getAttribute('data-value');",
      "      if (x === null || y === null) { return (x === null) - (y === null); }",
      "      var u = parseFloat(x), v = parseFloat(y);",
      "      var order = isNaN(u) || isNaN(v) ? x.localeCompare(y) : u - v;",
      "      return ascending ? order : -order;",
      "    });",
      "    rows.forEach(function (row) { body.appendChild(row); });",
      "  });",
      "});");

  private final ReportData data;
  private final String lossFunction;

  ReportPage(ReportData data) {
    this.data = data;
    Object loss = data.overall.values().get("loss_function");
    this.lossFunction = loss == null ? "" : loss.toString();
  }

  String html() {
    StringBuilder page = new StringBuilder();
    page.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';")
        .append(" script-src 'unsafe-inline'; img-src data:\">")
        .append("<title>spark-xent run ").append(escape(data.runId)).append("</title><style>").append(STYLE)
        .append("</style></head><body>");
    page.append("<h1 id=\"top\">spark-xent run ").append(escape(data.runId)).append("</h1><p class=\"note\">")
        .append(escape(lossFunction)).append(data.tags.isEmpty() ? "" : " \u00b7 " + escape(tagText(data.tags)))
        .append(" \u00b7 evaluated at ").append(escape(String.valueOf(data.overall.values().get("evaluated_at")))).append("</p>");
    page.append("<nav>");
    data.slicings.forEach(slicing -> page.append(link(anchor(slicing.name()), slicing.name())));
    page.append(link("trend", "trend")).append(link("comparison", "comparison")).append(link("calibration", "calibration"))
        .append(link("table", "table")).append("</nav>");
    headline(page);
    for (ReportData.Slicing slicing : data.slicings) {
      heading(page, anchor(slicing.name()), "Loss mean per " + slicing.name());
      page.append("<p class=\"note\">").append(slicing.worst().size() < slicing.total()
          ? "The " + slicing.worst().size() + " worst of " + slicing.total() + " slices" : "All " + slicing.total() + " slices")
          .append(", worst first, with 95% intervals; the dashed line is the overall mean; hollow dots are small slices.</p>");
      page.append(ReportCharts.dotAndWhisker(slicing.name(), slicing.worst(), data.overall.mean()));
    }
    heading(page, "trend", "Trend over runs");
    page.append("<p class=\"note\">Loss mean per run with its 95% interval band, overall and for the largest slices ("
        + data.trend.get(0).points().size() + " run(s)).</p><div class=\"trends\">");
    for (ReportData.Series series : data.trend) {
      page.append("<div><h3>").append(escape(series.label())).append("</h3>").append(ReportCharts.trend(series, data.runTags))
          .append("</div>");
    }
    page.append("</div>");
    heading(page, "comparison", "Against the baseline run");
    if (data.baselineRun.isEmpty()) {
      page.append("<p class=\"empty\">No earlier run to compare with (the first run, or --baseline-run names none).</p>");
    } else {
      page.append("<p class=\"note\">This run (dark) against run ").append(escape(data.baselineRun.get()))
          .append(" (grey), the slices that moved most; \u2260 and red: the 95% intervals do not overlap (")
          .append(data.separatedSlices).append(" slice(s) in all).</p>").append(ReportCharts.comparison(data.deltas));
    }
    heading(page, "calibration", "Calibration");
    page.append("<p class=\"note\">Overall reliability diagram: mean label against mean prediction per bin (top-label"
        + " for categorical losses), dot area and bars by weight; the diagonal is perfect calibration.</p>")
        .append(ReportCharts.reliability(data.calibration));
    heading(page, "table", "Metrics");
    page.append("<p class=\"note\">").append(data.tableRows.size() < data.metricRows
        ? data.tableRows.size() + " of " + data.metricRows + " rows (the worst per slicing); the full table is in the output"
        : "Every row of the run").append("; click a header to sort.</p>");
    table(page);
    page.append("<script>").append(SORT_SCRIPT).append("</script></body></html>\n");
    return page.toString();
  }

  private void headline(StringBuilder page) {
    ReportData.Point overall = data.overall;
    Map<String, Object> values = overall.values();
    page.append(String.format(java.util.Locale.ROOT, "<div class=\"headline\" id=\"headline\" data-mean=\"%s\" data-low=\"%s\""
        + " data-high=\"%s\" data-rows=\"%d\">", overall.mean(), overall.low(), overall.high(), overall.rows()));
    figure(page, "loss mean", overall.mean() == null ? "no rows" : short4(overall.mean()),
        overall.low() == null ? "" : "95%: " + short4(overall.low()) + " \u2013 " + short4(overall.high()));
    figure(page, "rows", Long.toString(overall.rows()), "skipped " + values.getOrDefault("skipped_rows", 0));
    figure(page, "label mean", short4((Double) values.get("label_mean")), "");
    figure(page, "prediction mean", short4((Double) values.get("prediction_mean")), "");
    for (String metric : List.of("normalized_entropy", "calibration_ratio", "ece")) {
      if (values.containsKey(metric)) {
        figure(page, metric.replace('_', ' '), short4((Double) values.get(metric)), "");
      }
    }
    page.append("</div>");
  }

  private static void figure(StringBuilder page, String name, String value, String detail) {
    page.append("<div class=\"figure\"><span>").append(escape(name)).append("</span><b>").append(escape(value)).append("</b><span>")
        .append(escape(detail)).append("</span></div>");
  }

  private void table(StringBuilder page) {
    page.append("<div class=\"scroll\"><table class=\"sortable\" id=\"metrics-table\"><thead><tr><th>slice</th>");
    List<String> columns = data.tableColumns.stream().filter(column -> !column.equals("slice")).toList();
    columns.forEach(column -> page.append("<th>").append(escape(column)).append("</th>"));
    page.append("</tr></thead><tbody>");
    for (ReportData.Point row : data.tableRows) {
      page.append("<tr class=\"").append(row.small() ? "small" : "").append(row.values().get("failed_gates") != null ? " failed" : "")
          .append("\"><td data-value=\"").append(escape(row.label())).append("\">").append(escape(row.label())).append("</td>");
      for (String column : columns) {
        Object value = row.values().get(column);
        String text = value instanceof Double number ? short4(number) : String.valueOf(value);
        page.append(value == null ? "<td>NULL</td>" : "<td data-value=\"" + escape(String.valueOf(value)) + "\">" + escape(text) + "</td>");
      }
      page.append("</tr>");
    }
    page.append("</tbody></table></div>");
  }

  private static void heading(StringBuilder page, String id, String title) {
    page.append("<h2 id=\"").append(id).append("\">").append(escape(title)).append("<a class=\"anchor\" href=\"#").append(id)
        .append("\">#</a></h2>");
  }

  private static String link(String id, String text) {
    return "<a href=\"#" + id + "\">" + escape(text) + "</a>";
  }

  static String anchor(String slicing) {
    return "slicing-" + slicing.replaceAll("[^A-Za-z0-9_-]", "-");
  }

  private static String tagText(Map<String, String> tags) {
    List<String> parts = new ArrayList<>();
    tags.forEach((key, value) -> parts.add(key + "=" + value));
    return String.join(" ", parts);
  }

  /** Every chart's data, for users who draw their own: {@code _report.json} beside the page. */
  String json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("run_id", data.runId);
    json.put("loss_function", lossFunction);
    json.put("tags", data.tags);
    json.put("overall", data.overall);
    json.put("slicings", data.slicings);
    json.put("trend", data.trend);
    json.put("run_tags", data.runTags);
    json.put("baseline_run", data.baselineRun.orElse(null));
    json.put("comparison", data.deltas);
    json.put("calibration", data.calibration);
    json.put("metric_rows", data.metricRows);
    try {
      return new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsString(json);
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the report's data", e);
    }
  }
}
