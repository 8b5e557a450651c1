import Foundation
import Testing

/// Every command says the same about every app in every scenario of the default matrix
/// (issue 8): `matrix`, `what-if`, `analyze`, `compare` and `report --format json`, run as a
/// user runs them, on every bundled topology.
@Suite struct ConsistencyTests {
  static let topologies: [String] = {
    let dir = packageRoot.appendingPathComponent("topologies")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted()
  }()

  func json(_ args: [String]) throws -> [String: Any] {
    let r = try quorate(args + ["--format", "json"])
    #expect(r.status == 0, "\(args): \(r.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(args)")
  }

  @Test(arguments: topologies)
  func everyCommandAgreesOnEveryApp(file: String) throws {
    let path = "topologies/\(file)"
    let matrix = try json(["matrix", path])
    let scenarios = try #require(matrix["scenarios"] as? [[String: Any]])
    // status[scenario key][app] from the matrix; registries usable per app.
    var status: [String: [String: String]] = [:]
    var usable: [String: [String: [String: Bool]]] = [:]
    var baseline: [String: String] = [:]
    let noFailure = try json(["what-if", path])
    for app in noFailure["apps"] as? [[String: Any]] ?? [] {
      baseline[app["name"] as? String ?? ""] = app["status"] as? String
    }
    for s in scenarios {
      let scenario = try #require(s["scenario"] as? [String: Any])
      let failed = scenario["failedDatacenters"] as? [String] ?? []
      let sides = scenario["sides"] as? [[String]] ?? []
      let key: String
      var args: [String]
      if sides.count == 2 {
        let cut = try #require(sides.last)  // the matrix puts the cut-off datacenter on side 1
        key = "cut:" + cut[0]
        args = ["what-if", path, "--isolate", cut[0]]
      } else {
        key = "fail:" + failed.joined(separator: "+")
        args = ["what-if", path] + failed.flatMap { ["--fail", "dc:\($0)"] }
      }
      for app in s["apps"] as? [[String: Any]] ?? [] {
        let name = app["name"] as? String ?? ""
        status[key, default: [:]][name] = app["status"] as? String
        for r in app["registries"] as? [[String: Any]] ?? [] {
          usable[key, default: [:]][name, default: [:]][r["ensemble"] as? String ?? ""] = r["usable"] as? Bool
        }
      }
      // what-if gives exactly the matrix's element for the same scenario.
      let whatIf = try json(args)
      #expect(NSDictionary(dictionary: whatIf).isEqual(to: s), "\(file) \(key): what-if and matrix differ")
    }

    // analyze: every single datacenter failure and cut-off it lists.
    let analyze = try json(["analyze", path])
    for app in analyze["apps"] as? [[String: Any]] ?? [] {
      let name = app["name"] as? String ?? ""
      let listedFailures = app["datacenterFailures"] as? [[String: Any]] ?? []
      for f in listedFailures {
        let dc = f["datacenter"] as? String ?? ""
        #expect(
          f["status"] as? String == status["fail:\(dc)"]?[name], "\(file): analyze and matrix on \(name), \(dc) lost")
      }
      for f in app["isolations"] as? [[String: Any]] ?? [] {
        let dc = f["datacenter"] as? String ?? ""
        #expect(
          f["status"] as? String == status["cut:\(dc)"]?[name], "\(file): analyze and matrix on \(name), \(dc) cut")
      }
      // A datacenter analyze leaves out changes nothing for the app.
      let listed = Set(listedFailures.compactMap { $0["datacenter"] as? String })
      for (key, apps) in status where key.hasPrefix("fail:") && !key.contains("+") {
        let dc = String(key.dropFirst(5))
        guard !listed.contains(dc), let s = apps[name], s != "down" else { continue }
        #expect(s == baseline[name], "\(file): \(name) changes when \(dc) is lost, but analyze leaves \(dc) out")
      }
    }

    // compare: a declared design the site's apps use keeps the site exactly when every one of
    // those apps can still use it.
    let compare = try json(["compare", path])
    for site in compare["sites"] as? [[String: Any]] ?? [] {
      let siteName = site["site"] as? String ?? ""
      for kind in ["shared", "independent"] {
        guard let d = site[kind] as? [String: Any], d["declared"] as? Bool == true,
          let ensemble = d["ensemble"] as? String, let users = d["usedBy"] as? [String], !users.isEmpty
        else { continue }
        for (dc, keeps) in d["survivesLossOf"] as? [String: Bool] ?? [:] {
          let expected = users.allSatisfy { usable["fail:\(dc)"]?[$0]?[ensemble] == true }
          #expect(
            keeps == expected, "\(file): compare says '\(siteName)' keeps \(ensemble) when \(dc) is lost: \(keeps)")
        }
        if let cut = d["survivesSiteCutOff"] as? Bool, status["cut:\(siteName)"] != nil {
          let expected = users.allSatisfy { usable["cut:\(siteName)"]?[$0]?[ensemble] == true }
          #expect(cut == expected, "\(file): compare on '\(siteName)' cut off, \(ensemble)")
        }
      }
    }

    // report --format json carries the same analysis and comparison.
    let report = try json(["report", path])
    #expect(NSDictionary(dictionary: report["analysis"] as? [String: Any] ?? [:]).isEqual(to: analyze))
    #expect(NSDictionary(dictionary: report["comparison"] as? [String: Any] ?? [:]).isEqual(to: compare))
  }
}
