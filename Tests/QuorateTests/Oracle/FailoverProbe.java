// A real ZooKeeper client (ZooKeeper's own Java client, whose timing quorate's fail-over model
// describes) that reports its connection state changes with timestamps:
//   EVENT <ms since start> <KeeperState> <remote host or -> <session id> <negotiated timeout>
//   REMOTE <ms since start> <host>   whenever the server it talks to changes (polled every 20 ms)
// Usage: java -cp .:zookeeper.jar FailoverProbe CONNECT_STRING SESSION_TIMEOUT_MS
// It runs until its standard input closes.
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

public class FailoverProbe {
  static final long START = System.nanoTime();
  static volatile ZooKeeper zk;

  static synchronized void print(String line) {
    System.out.println(line);
    System.out.flush();
  }

  static String remote(ZooKeeper z) {
    if (z == null) return "-";
    String s = z.toString();
    int i = s.indexOf("remoteserver:");
    if (i < 0) return "-";
    String rest = s.substring(i + "remoteserver:".length());
    int end = rest.indexOf(' ');
    if (end >= 0) rest = rest.substring(0, end);
    int slash = rest.indexOf('/');
    return slash > 0 ? rest.substring(0, slash) : rest;
  }

  public static void main(String[] args) throws Exception {
    Watcher watcher = (WatchedEvent e) -> {
      if (e.getType() != Watcher.Event.EventType.None) return;
      ZooKeeper z = zk;
      long ms = (System.nanoTime() - START) / 1_000_000;
      String session = z == null ? "-" : "0x" + Long.toHexString(z.getSessionId());
      int negotiated = z == null ? 0 : z.getSessionTimeout();
      print("EVENT " + ms + " " + e.getState() + " " + remote(z) + " " + session + " " + negotiated);
    };
    zk = new ZooKeeper(args[0], Integer.parseInt(args[1]), watcher);
    Thread poller = new Thread(() -> {
      String last = "";
      while (true) {
        String r = remote(zk);
        if (!r.equals(last)) {
          print("REMOTE " + (System.nanoTime() - START) / 1_000_000 + " " + r);
          last = r;
        }
        try { Thread.sleep(20); } catch (InterruptedException ignored) { return; }
      }
    });
    poller.setDaemon(true);
    poller.start();
    while (System.in.read() != -1) { }
    zk.close();
  }
}
