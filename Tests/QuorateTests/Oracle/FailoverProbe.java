// A real ZooKeeper client (ZooKeeper's own Java client, whose timing quorate's fail-over model
// describes) that reports its connection state changes with timestamps:
//   EVENT <ms since start> <KeeperState> <remote host or -> <session id> <negotiated timeout>
//   REMOTE <ms since start> <host>   whenever the server it talks to changes (polled every 20 ms)
// Usage: java -cp .:zookeeper.jar FailoverProbe CONNECT_STRING SESSION_TIMEOUT_MS
// It reads commands from standard input, one a line, and runs until it closes:
//   ephemeral PATH   creates an ephemeral znode (prints "DONE <ms>" when the server answered)
//   op               one request (exists /), so the last activity is now ("DONE <ms>")
import java.io.BufferedReader;
import java.io.InputStreamReader;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
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
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split(" ");
      try {
        if (words[0].equals("ephemeral")) {
          zk.create(words[1], new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        } else if (words[0].equals("op")) {
          zk.exists("/", false);
        } else {
          continue;
        }
        print("DONE " + (System.nanoTime() - START) / 1_000_000);
      } catch (Exception e) {
        print("FAILED " + e);
      }
    }
    zk.close();
  }
}
