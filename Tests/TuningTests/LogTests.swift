import Foundation
import Testing

@testable import Tuning

/// trainer_log.jsonl lines and the loss-curve SVG.
struct LogTests {
    @Test func trainerLogLinesFollowLlamaFactory() throws {
        let directory = NSTemporaryDirectory() + "lfs-log-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var now = 100.0
        let log = try TrainerLog(directory: directory, totalSteps: 30) { now }
        now = 112.7
        let entry = try log.log(step: 4, loss: 2.3456, lr: 1e-05, epoch: 0.13)
        #expect(entry.percentage == 13.33)
        #expect(entry.elapsedTime == "0:00:12")
        #expect(entry.remainingTime == "0:01:22")
        now = 100.0 + 90_061
        try log.log(step: 30, evalLoss: 1.5)
        let lines = try String(contentsOfFile: log.path, encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(lines == [
            #"{"current_steps": 4, "total_steps": 30, "loss": 2.3456, "lr": 1e-05, "epoch": 0.13, "percentage": 13.33, "elapsed_time": "0:00:12", "remaining_time": "0:01:22"}"#,
            #"{"current_steps": 30, "total_steps": 30, "eval_loss": 1.5, "percentage": 100.0, "elapsed_time": "1 day, 1:01:01", "remaining_time": "0:00:00"}"#,
        ])
        #expect(TrainerLogEntry.timedelta(2 * 86_400 + 5) == "2 days, 0:00:05")
    }

    @Test func smoothingIsTensorBoardsDebiasedEMA() {
        let smoothed = LossCurve.smoothed([1, 2, 3], weight: 0.5)
        // last: 0.5, 1.25, 2.125; debias 0.5, 0.75, 0.875.
        #expect(smoothed == [1, 1.25 / 0.75, 2.125 / 0.875])
        #expect(LossCurve.smoothed([2, 2, 2]) == [2, 2, 2])
        #expect(LossCurve.smoothed([1, .nan, 3], weight: 0.5)[1].isNaN)
    }

    @Test func lossCurveSVGHasBothLines() {
        let points = (0..<20).map { (step: $0, value: 3.0 / Double($0 + 1)) }
        let svg = LossCurve.svg(points, title: "loss <sft>")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("class=\"raw\"") && svg.contains("class=\"smoothed\""))
        #expect(svg.contains("loss &lt;sft&gt;"))
        let raw = svg.components(separatedBy: "class=\"raw\"")[1]
        #expect(raw.components(separatedBy: " ").filter { $0.contains(",") }.count >= 20)
    }
}
