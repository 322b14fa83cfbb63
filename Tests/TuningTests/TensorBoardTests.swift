import Foundation
import Testing

@testable import Tuning

/// TensorBoard event files: CRC-32C, TFRecord framing, Event protobufs, read back.
struct TensorBoardTests {
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "lfs-tb-\(UUID().uuidString)"
        return path
    }

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        let crc: UInt32 = 0xE306_9283
        #expect(CRC32C.masked(Array("123456789".utf8)) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }

    @Test func eventProtobufHasTheExpectedBytes() throws {
        let event = TensorBoardEvent(
            wallTime: 1.5, step: 3, scalars: [.init(tag: "loss", value: 2)])
        // 09 <double 1.5> 10 03 2a 0d (0a 0b (0a 04 "loss" 15 <float 2>))
        let expected: [UInt8] =
            [0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x10, 0x03, 0x2A, 0x0D, 0x0A, 0x0B, 0x0A, 0x04]
            + Array("loss".utf8) + [0x15, 0, 0, 0, 0x40]
        #expect(event.encoded() == expected)
        #expect(try TensorBoardEvent(decoding: expected) == event)
    }

    @Test func writerProducesRecordsThatDecodeBack() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var now = 1_700_000_000.25
        let writer = try TensorBoardWriter(directory: directory, hostname: "testhost") {
            now += 1
            return now
        }
        #expect(writer.path.hasSuffix("events.out.tfevents.1700000001.testhost"))
        try writer.addScalars([("train/loss", 2.5), ("train/learning_rate", 1e-4)], step: 1)
        try writer.addScalar("train/loss", 2.25, step: 2)
        let events = try TFRecord.readEvents(atPath: writer.path)
        #expect(events.count == 3)
        #expect(events[0].fileVersion == "brain.Event:2")
        #expect(events[0].wallTime == 1_700_000_001.25)
        #expect(events[1].step == 1 && events[2].step == 2)
        #expect(events[1].scalars == [
            .init(tag: "train/loss", value: 2.5), .init(tag: "train/learning_rate", value: 1e-4),
        ])
        #expect(events[2].scalars == [.init(tag: "train/loss", value: 2.25)])
        #expect(events[2].wallTime == 1_700_000_003.25)
    }

    @Test func corruptedRecordsAreReported() throws {
        let record = TFRecord.frame(TensorBoardEvent(wallTime: 1, step: 1).encoded())
        var flipped = record
        flipped[flipped.count - 6] ^= 0x01
        #expect(throws: TensorBoardError.checksumMismatch(path: "x", offset: 0, what: "data")) {
            try TFRecord.records(in: flipped, path: "x")
        }
        var badLength = record
        badLength[0] ^= 0x01
        #expect(throws: TensorBoardError.checksumMismatch(path: "x", offset: 0, what: "length")) {
            try TFRecord.records(in: badLength, path: "x")
        }
        #expect(throws: TensorBoardError.truncatedRecord(path: "x", offset: 0)) {
            try TFRecord.records(in: Array(record.dropLast(2)), path: "x")
        }
        #expect(try TFRecord.records(in: record + record).count == 2)
    }
}
