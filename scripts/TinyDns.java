import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The test network's DNS server, run with {@code java TinyDns.java PORT ADDRESS}: answers every A query, whatever
 * the name, with ADDRESS (TTL 0, so nothing caches it), and every other query with no answer. Each query is printed
 * as {@code query NAME TYPE from SOURCE}, so a test sees which address a query came from.
 */
public class TinyDns {
    private static final int TYPE_A = 1;

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        byte[] answer = InetAddress.getByName(args[1]).getAddress();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(port))) {
            System.out.println("DNS listening on port " + port);
            byte[] buffer = new byte[512];
            while (true) {
                DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                socket.receive(query);
                try {
                    byte[] reply = reply(ByteBuffer.wrap(query.getData(), 0, query.getLength()), answer, query.getAddress());
                    socket.send(new DatagramPacket(reply, reply.length, query.getSocketAddress()));
                } catch (RuntimeException malformed) {
                    System.out.println("malformed query from " + query.getAddress().getHostAddress());
                }
            }
        }
    }

    private static byte[] reply(ByteBuffer query, byte[] answer, InetAddress from) {
        short id = query.getShort();
        short flags = query.getShort();
        if (query.getShort() != 1) throw new IllegalArgumentException("one question expected");
        query.position(12);
        StringBuilder name = new StringBuilder();
        for (int length = query.get() & 0xFF; length != 0; length = query.get() & 0xFF) {
            byte[] label = new byte[length];
            query.get(label);
            if (name.length() > 0) name.append('.');
            name.append(new String(label, java.nio.charset.StandardCharsets.US_ASCII));
        }
        int type = query.getShort() & 0xFFFF;
        query.getShort(); // class
        int questionEnd = query.position();
        System.out.println("query " + name + " " + (type == TYPE_A ? "A" : "type" + type) + " from " + from.getHostAddress());

        boolean a = type == TYPE_A;
        ByteBuffer reply = ByteBuffer.allocate(questionEnd + (a ? 16 : 0));
        reply.putShort(id).putShort((short) (0x8180 | (flags & 0x0100))) // a response, recursion as asked and available
                .putShort((short) 1).putShort((short) (a ? 1 : 0)).putShort((short) 0).putShort((short) 0);
        reply.put(query.array(), query.arrayOffset() + 12, questionEnd - 12);
        if (a) {
            reply.putShort((short) 0xC00C).putShort((short) TYPE_A).putShort((short) 1).putInt(0)
                    .putShort((short) 4).put(answer);
        }
        return reply.array();
    }
}
