import Testing
import TopologyEmitters

/// The escapes of the Dubbo files, worked out from `java.util.Properties.load` (backslash
/// escapes, `\uXXXX` for anything outside printable ASCII, a leading space escaped) and YAML's
/// double-quoted scalars; the plain-ASCII fast path must give what the slow path gives.
@Suite struct EscapeTests {
  @Test func propertiesValues() {
    let address = "zookeeper://10.0.0.1:2181/dubbo?backup=10.0.0.2:2181,10.0.0.3:2181"
    #expect(AppConfig.propertiesValue(address) == address)
    #expect(AppConfig.propertiesValue("a\\b") == "a\\\\b")
    #expect(AppConfig.propertiesValue(" lead") == "\\ lead")
    #expect(AppConfig.propertiesValue("in side") == "in side")
    #expect(AppConfig.propertiesValue("é") == "\\u00E9")
    #expect(AppConfig.propertiesValue("🐘") == "\\uD83D\\uDC18")
    #expect(AppConfig.propertiesValue("tab\t") == "tab\\u0009")
    #expect(AppConfig.propertiesValue("") == "")
  }

  @Test func yamlQuotedScalars() {
    #expect(AppConfig.yamlQuoted("zookeeper://h:2181") == "\"zookeeper://h:2181\"")
    #expect(AppConfig.yamlQuoted("say \"hi\"") == "\"say \\\"hi\\\"\"")
    #expect(AppConfig.yamlQuoted("a\\b") == "\"a\\\\b\"")
    #expect(AppConfig.yamlQuoted("bell\u{7}") == "\"bell\\x07\"")
    #expect(AppConfig.yamlQuoted("del\u{7F}") == "\"del\\x7F\"")
    #expect(AppConfig.yamlQuoted("é中") == "\"é中\"")
    #expect(AppConfig.yamlQuoted("") == "\"\"")
  }
}
