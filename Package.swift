// swift-tools-version: 6.2
import PackageDescription

/// Settings every first-party Swift target shares.
let swiftSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("MemberImportVisibility"),
  .treatAllWarnings(as: .error),
]

let package = Package(
  name: "quorate",
  products: [
    .executable(name: "quorate", targets: ["quorate"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // MARK: C shim over Debian's libyaml (libyaml-dev, pkg-config yaml-0.1)
    .systemLibrary(
      name: "CYAML",
      pkgConfig: "yaml-0.1",
      providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
    ),

    // MARK: Pipeline stages; each imports only earlier stages.
    .target(name: "TopologyDiagnostics", swiftSettings: swiftSettings),
    .target(
      name: "TopologyYAML",
      dependencies: ["CYAML", "TopologyDiagnostics"],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "TopologyModel",
      dependencies: ["TopologyYAML", "TopologyDiagnostics"],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "TopologyAnalysis",
      dependencies: ["TopologyModel", "TopologyDiagnostics", "TopologyYAML"],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "TopologyEmitters",
      dependencies: ["TopologyModel", "TopologyAnalysis", "TopologyDiagnostics"],
      swiftSettings: swiftSettings
    ),
    // Existing configuration read back: zoo.cfg files into a topology (quorate import).
    .target(
      name: "TopologyImport",
      dependencies: ["TopologyModel", "TopologyDiagnostics", "TopologyYAML"],
      swiftSettings: swiftSettings
    ),
    // Every word and number a command prints (text, Markdown, JSON) over the engine's facts.
    .target(
      name: "TopologyRendering",
      dependencies: [
        "TopologyModel", "TopologyAnalysis", "TopologyDiagnostics", "TopologyEmitters", "TopologyImport",
      ],
      swiftSettings: swiftSettings
    ),

    // MARK: Command-line tool (thin: flags in, library call, render, exit code)
    .executableTarget(
      name: "quorate",
      dependencies: [
        "TopologyDiagnostics", "TopologyYAML", "TopologyModel", "TopologyAnalysis",
        "TopologyEmitters", "TopologyRendering", "TopologyImport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings
    ),

    // MARK: Fuzzing (make fuzz): libFuzzer targets with -DFUZZING; a corpus replayer without
    .target(
      name: "FuzzTargets",
      dependencies: [
        "TopologyDiagnostics", "TopologyYAML", "TopologyModel", "TopologyAnalysis", "TopologyEmitters",
        "TopologyRendering",
      ],
      path: "Fuzz/FuzzTargets",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "quorate-fuzz",
      dependencies: ["FuzzTargets"],
      path: "Fuzz/QuorateFuzz",
      swiftSettings: swiftSettings
    ),

    // MARK: Tests
    .testTarget(
      name: "QuorateTests",
      dependencies: [
        "TopologyDiagnostics", "TopologyYAML", "TopologyModel", "TopologyAnalysis",
        "TopologyEmitters", "TopologyRendering", "TopologyImport", "quorate", "FuzzTargets",
      ],
      exclude: ["Oracle", "Golden"],
      swiftSettings: swiftSettings
    ),
  ]
)
