import Foundation
import Testing

/// Real ZooKeeper 3.8 servers started from the configs quorate emits, a real client (kazoo),
/// and quorate's what-if predictions against what the surviving servers report.
/// The driver is `Tests/e2e/zookeeper_e2e.py`; `make test` installs zookeeper and python3-kazoo.
@Suite(.serialized) struct EndToEndTests {
  @Test(.timeLimit(.minutes(5)))
  func realServersAgreeWithWhatIf() throws {
    try #require(
      FileManager.default.fileExists(atPath: "/usr/share/java/zookeeper.jar"),
      "install Debian's zookeeper (make test does)")
    let r = try runProcess("/usr/bin/python3", ["Tests/e2e/zookeeper_e2e.py", quorateBinary])
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    // Every check the script makes (17 since it also audits the files a live member ran from).
    #expect(r.stdout.contains("17 passed, 0 failed"), "\(r.stdout)")
    #expect(!r.stdout.contains("DISAGREE"))
  }
}
