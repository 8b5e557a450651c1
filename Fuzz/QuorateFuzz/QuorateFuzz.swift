// The libFuzzer entry point for quorate's fuzz targets (Fuzz/FuzzTargets), chosen by
// QUORATE_FUZZ_TARGET. Built with -DFUZZING and -sanitize=fuzzer (make fuzz), libFuzzer supplies
// main and calls LLVMFuzzerTestOneInput. Built plainly, it is a replayer: `quorate-fuzz TARGET
// FILE...` runs each file through the target once, which is how the committed corpus becomes a
// regression test.
import Foundation
import FuzzTargets

#if FUZZING
  /// The target, chosen once.
  let fuzzTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["QUORATE_FUZZ_TARGET"] ?? "load"
    guard let target = FuzzTarget(rawValue: name) else {
      FileHandle.standardError.write(Data("quorate-fuzz: QUORATE_FUZZ_TARGET must be load, scenario or plan\n".utf8))
      exit(2)
    }
    return target
  }()

  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    fuzzTarget.run(bytes)
    return 0
  }
#else
  @main
  enum Replay {
    static func main() {
      let arguments = CommandLine.arguments.dropFirst()
      guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("usage: quorate-fuzz load|scenario|plan FILE-OR-FOLDER...\n".utf8))
        exit(2)
      }
      var count = 0
      for path in arguments.dropFirst() {
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        let files =
          isFolder.boolValue
          ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
          : [path]
        for file in files {
          guard let data = FileManager.default.contents(atPath: file) else { continue }
          target.run([UInt8](data))
          count += 1
        }
      }
      print("replayed \(count) input(s) through '\(target.rawValue)' without a trap")
    }
  }
#endif
