import Foundation
import Testing
import TopologyModel

/// `docs/topology.schema.json` (JSON Schema draft 2020-12) in step with the decoder (issue 12):
/// every bundled topology validates with Python's `jsonschema`, every key the decoder knows is
/// in the schema and nothing else, and every invalid example that is a schema matter is refused.
@Suite struct SchemaTests {
  let schemaURL = packageRoot.appendingPathComponent("docs/topology.schema.json")

  /// Runs Debian's python3-jsonschema on files; returns file -> number of schema errors.
  func validate(_ files: [String]) throws -> [String: Int] {
    let script = """
      import json, sys, yaml, jsonschema
      schema = json.load(open(sys.argv[1]))
      jsonschema.Draft202012Validator.check_schema(schema)
      v = jsonschema.Draft202012Validator(schema)
      out = {}
      for f in sys.argv[2:]:
          try:
              doc = yaml.safe_load(open(f, encoding='utf-8'))
          except Exception:
              out[f] = -1
              continue
          out[f] = len(list(v.iter_errors(doc)))
      print(json.dumps(out))
      """
    let r = try runProcess("/usr/bin/python3", ["-c", script, schemaURL.path] + files)
    #expect(r.status == 0, "\(r.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Int])
  }

  @Test func everyBundledTopologyValidatesAndPointsAtTheSchema() throws {
    let dir = packageRoot.appendingPathComponent("topologies")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
      .map { dir.appendingPathComponent($0).path }
    for (file, errors) in try validate(files) { #expect(errors == 0, "\(file): \(errors) schema errors") }
    for f in files {
      let first = try String(contentsOfFile: f, encoding: .utf8).split(separator: "\n").first.map(String.init)
      #expect(first == "# yaml-language-server: $schema=../docs/topology.schema.json", "\(f)")
    }
  }

  @Test func theSchemaKnowsExactlyTheDecodersKeys() throws {
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL)) as? [String: Any])
    let defs = try #require(json["$defs"] as? [String: Any])
    for (definition, keys) in FormatKeys.byDefinition {
      let object = try #require(defs[definition] as? [String: Any], "\(definition)")
      let properties = try #require(object["properties"] as? [String: Any], "\(definition)")
      #expect(
        Set(properties.keys) == Set(keys), "\(definition): schema \(properties.keys.sorted()) decoder \(keys.sorted())")
      #expect(object["additionalProperties"] as? Bool == false, "\(definition) must refuse unknown keys")
    }
  }

  /// Invalid examples whose problem is a matter of shape (unknown or missing keys, types, names,
  /// ports, durations, availabilities, the version, choices, ranges, registry/registries).
  @Test func schemaMattersAreRefused() throws {
    let dir = packageRoot.appendingPathComponent("topologies/invalid")
    let codes = ["S101", "S102", "S103", "S104", "S105", "S106", "S107", "S110", "S111", "S112", "S113", "V214"]
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { f in
      f.hasSuffix(".yaml") && codes.contains { f.hasPrefix($0) }
    }.sorted().map { dir.appendingPathComponent($0).path }
    #expect(files.count >= codes.count)
    for (file, errors) in try validate(files) { #expect(errors != 0, "\(file) passes the schema") }
  }
}
