import Foundation

/// One side's runs of one workload.
struct Measurement {
    /// Seconds of each run (the median of the timed steps of one worker process).
    var seconds: [Double] = []
    /// Peak RSS of each worker process (bytes).
    var peakRSS: [Int] = []
    /// Extra key=value figures of the last run (the overhead row's host_fraction).
    var extra: [String: [Double]] = [:]
    /// Why a run failed, if one did.
    var failure: String?
    /// Why this side did not run (its Python packages are missing), for the table.
    var skipped: String?

    /// The median of the runs, nil without any.
    var median: Double? { Self.median(seconds) }
    /// The largest peak RSS of the runs.
    var peak: Int? { peakRSS.max() }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Adds a worker's result: its RESULT line, or the failure with the tail of its log.
    mutating func add(_ child: ChildResult, errorLog: String) {
        if child.timedOut && child.status != 0 {
            failure = String(format: "timed out: killed after %.0f s", child.seconds)
            return
        }
        guard child.status == 0,
            let line = child.output.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") })
        else {
            let log = (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? ""
            let tail = log.split(separator: "\n").suffix(3).joined(separator: " | ")
            failure = "exit \(child.status): \(tail.isEmpty ? String(child.output.suffix(200)) : tail)"
            return
        }
        for field in line.dropFirst("RESULT ".count).split(separator: " ") {
            let parts = field.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let values = parts[1].split(separator: ",").compactMap { Double($0) }
            if parts[0] == "seconds" {
                if let median = Self.median(values) { seconds.append(median) }
            } else {
                extra[String(parts[0])] = values
            }
        }
        peakRSS.append(child.peakRSSBytes)
    }
}
