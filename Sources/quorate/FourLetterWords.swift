#if canImport(Glibc)
  import Glibc
#endif

/// Asks a ZooKeeper server a four-letter word (`srvr`, `conf`) over TCP, with a deadline for the
/// whole exchange: an unreachable or frozen host costs at most the timeout.
enum FourLetterWords {
  enum Failure: Error, CustomStringConvertible {
    case resolve(String)
    case connect(String)
    case timeout
    case io(String)

    var description: String {
      switch self {
      case .resolve(let m): "cannot resolve: \(m)"
      case .connect(let m): "connection failed: \(m)"
      case .timeout: "no answer within the timeout"
      case .io(let m): m
      }
    }
  }

  static func milliseconds(since start: timespec) -> Int {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1_000_000
  }

  /// Sends `word` and returns everything the server writes before it closes the connection.
  static func ask(host: String, port: Int, word: String, timeoutMs: Int) -> Result<String, Failure> {
    var start = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_family = AF_UNSPEC
    var list: UnsafeMutablePointer<addrinfo>?
    let rc = getaddrinfo(host, String(port), &hints, &list)
    guard rc == 0, let first = list else { return .failure(.resolve(String(cString: gai_strerror(rc)))) }
    defer { freeaddrinfo(list) }
    let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return .failure(.connect(String(cString: strerror(errno)))) }
    defer { close(fd) }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    func wait(_ events: Int16) -> Bool {
      let left = timeoutMs - milliseconds(since: start)
      guard left > 0 else { return false }
      var p = pollfd(fd: fd, events: events, revents: 0)
      return poll(&p, 1, Int32(left)) == 1
    }
    if connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
      guard errno == EINPROGRESS else { return .failure(.connect(String(cString: strerror(errno)))) }
      guard wait(Int16(POLLOUT)) else { return .failure(.timeout) }
      var error: Int32 = 0
      var length = socklen_t(MemoryLayout<Int32>.size)
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
      if error != 0 { return .failure(.connect(String(cString: strerror(error)))) }
    }
    var bytes = Array(word.utf8)
    var sent = 0
    while sent < bytes.count {
      guard wait(Int16(POLLOUT)) else { return .failure(.timeout) }
      let n = bytes[sent...].withUnsafeMutableBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if n < 0 {
        if errno == EAGAIN || errno == EINTR { continue }
        return .failure(.io(String(cString: strerror(errno))))
      }
      sent += n
    }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while answer.count < 1 << 20 {
      guard wait(Int16(POLLIN)) else { return .failure(.timeout) }
      let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if n < 0 {
        if errno == EAGAIN || errno == EINTR { continue }
        if errno == ECONNRESET && !answer.isEmpty { break }
        return .failure(.io(String(cString: strerror(errno))))
      }
      if n == 0 { break }
      answer += buffer[0..<n]
    }
    bytes.removeAll()
    return .success(String(decoding: answer, as: UTF8.self))
  }
}
