// The ground truth for quorate's tests: ZooKeeper's own code from Debian's zookeeper.jar.
// Reads commands on standard input, one answer line per command:
//   config / KEY=VALUE lines / end    -> "OK <voters> <observers> <voter ids> | <observer ids>" or "ERR <exception>"
//   q ID ID ...                       -> "1" or "0": QuorumVerifier.containsQuorum of the last config
//   connect STRING                    -> "OK <chroot or -> host:port ..." or "ERR <exception>" (ConnectStringParser)
//   file PATH                         -> "OK myid=N type=PARTICIPANT|OBSERVER client=ADDR voters=[..] observers=[..]"
//                                        or "ERR <exception>": QuorumPeerConfig.parse of a whole zoo.cfg
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.zookeeper.client.ConnectStringParser;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.flexible.QuorumVerifier;

public class ZooKeeperOracle {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    PrintWriter out = new PrintWriter(System.out);
    Properties props = null;
    QuorumVerifier qv = null;
    String line;
    while ((line = in.readLine()) != null) {
      if (line.equals("config")) {
        props = new Properties();
        qv = null;
      } else if (line.equals("end")) {
        try {
          // As quorate's zoo.cfg says (standaloneEnabled=false), so a single voter with
          // observers is a quorum, not an ignored "standalone" configuration.
          QuorumPeerConfig.setStandaloneEnabled(false);
          // eAlg 3 is FastLeaderElection, the only one 3.8 supports.
          qv = QuorumPeerConfig.parseDynamicConfig(props, 3, false, false, null);
          out.println("OK " + qv.getVotingMembers().size() + " " + qv.getObservingMembers().size() + " "
              + new TreeSet<>(qv.getVotingMembers().keySet()) + " | " + new TreeSet<>(qv.getObservingMembers().keySet()));
        } catch (Exception e) {
          out.println("ERR " + String.valueOf(e).replace('\n', ' '));
        }
      } else if (line.startsWith("q")) {
        Set<Long> set = new HashSet<>();
        for (String id : line.substring(1).trim().split(" ")) {
          if (!id.isEmpty()) set.add(Long.parseLong(id));
        }
        out.println(qv != null && qv.containsQuorum(set) ? "1" : "0");
      } else if (line.startsWith("connect ")) {
        try {
          ConnectStringParser p = new ConnectStringParser(line.substring(8));
          StringBuilder b = new StringBuilder("OK ");
          b.append(p.getChrootPath() == null ? "-" : p.getChrootPath());
          for (InetSocketAddress a : p.getServerAddresses()) {
            b.append(' ').append(a.getHostString()).append(':').append(a.getPort());
          }
          out.println(b);
        } catch (Exception e) {
          out.println("ERR " + String.valueOf(e).replace('\n', ' '));
        }
      } else if (line.startsWith("file ")) {
        try {
          QuorumPeerConfig c = new QuorumPeerConfig();
          c.parse(line.substring(5));
          QuorumVerifier v = c.getQuorumVerifier();
          qv = v;
          out.println("OK myid=" + c.getServerId() + " type=" + c.getPeerType() + " client="
              + c.getClientPortAddress().getHostString() + ":" + c.getClientPortAddress().getPort()
              + " voters=" + new TreeSet<>(v.getVotingMembers().keySet())
              + " observers=" + new TreeSet<>(v.getObservingMembers().keySet())
              + " retain=" + c.getSnapRetainCount() + " purge=" + c.getPurgeInterval()
              + " log=" + c.getDataLogDir());
        } catch (Exception e) {
          out.println("ERR " + String.valueOf(e).replace('\n', ' '));
        }
      } else if (props != null && line.contains("=")) {
        int eq = line.indexOf('=');
        props.setProperty(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    out.flush();
  }
}
