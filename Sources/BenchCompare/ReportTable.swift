import Foundation

/// One line of the table: lfs against one reference (PyTorch, or LLaMA-Factory).
struct ReportRow {
    var workload: Workload
    var label: String
    var lfs: Measurement
    var other: Measurement
}

/// The comparison table, as Markdown (so it pastes into the README as it is).
struct ReportTable {
    var options: Options
    var shape: ModelShape
    var peakGFLOPs: Double
    var torchAvailable: Bool

    func render(_ rows: [ReportRow]) -> String {
        var lines = [
            "| workload | lfs | PyTorch | PyTorch/lfs | lfs tok/s | PyTorch tok/s "
                + "| lfs GFLOP/s (% peak) | PyTorch GFLOP/s (% peak) | lfs peak RSS | PyTorch peak RSS |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in rows {
            let (workload, lfs, torch) = (row.workload, row.lfs, row.other)
            if workload.name == "overhead" {
                lines.append(overheadRow(workload, lfs))
                continue
            }
            let tokens = Double(workload.isGeneration ? options.newTokens : options.batch * options.sequence)
            let flops = shape.flopsPerToken(workload.flopsAs ?? workload.name, sequence: options.sequence) * tokens
            let ratio = zip2(lfs.median, torch.median).map { String(format: "%.2fx", $0.1 / $0.0) }
            lines.append(
                "| \(row.label) | \(seconds(lfs)) | \(seconds(torch)) | \(ratio ?? "-") "
                    + "| \(rate(tokens, lfs.median)) | \(rate(tokens, torch.median)) "
                    + "| \(gflops(flops, lfs.median)) | \(gflops(flops, torch.median)) "
                    + "| \(rss(lfs.peak)) | \(rss(torch.peak)) |")
        }
        return lines.joined(separator: "\n")
    }

    func overheadRow(_ workload: Workload, _ lfs: Measurement) -> String {
        guard let host = lfs.median else {
            return "| \(workload.label) | \(lfs.failure.map { "failed: \($0)" } ?? "-") | n/a | | | | | | | |"
        }
        let fraction = Measurement.median(lfs.extra["host_fraction"] ?? []).map {
            String(format: "%.2f%% of the step", 100 * $0)
        } ?? "?"
        return "| \(workload.label) | \(String(format: "%.3f s", host)) (\(fraction)) | n/a | | | | | | | |"
    }

    func seconds(_ measurement: Measurement) -> String {
        if let median = measurement.median { return String(format: "%.3f s", median) }
        if let failure = measurement.failure { return "failed (\(failure.prefix(80)))" }
        if let skipped = measurement.skipped { return skipped }
        return "-"
    }

    func rate(_ tokens: Double, _ seconds: Double?) -> String {
        seconds.map { String(format: "%.0f", tokens / $0) } ?? "-"
    }

    func gflops(_ flops: Double, _ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        let rate = flops / seconds / 1e9
        return String(format: "%.0f (%.0f%%)", rate, 100 * rate / peakGFLOPs)
    }

    func rss(_ bytes: Int?) -> String {
        guard let bytes, bytes > 0 else { return "-" }
        return String(format: "%.2f GiB", Double(bytes) / 1024 / 1024 / 1024)
    }

    func zip2(_ a: Double?, _ b: Double?) -> (Double, Double)? {
        guard let a, let b else { return nil }
        return (a, b)
    }
}
