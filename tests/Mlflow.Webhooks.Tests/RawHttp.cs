using System.Net.Sockets;
using System.Text;

namespace Mlflow.Webhooks.Tests;

/// <summary>Sends hand-written HTTP/1.1 bytes (to control framing: declared lengths, unfinished chunked bodies).</summary>
internal static class RawHttp
{
    /// <summary>Writes the head and body parts, then reads the answer (head and body) until the server closes or the declared length is read.</summary>
    public static async Task<string> SendAsync(Uri server, string head, IReadOnlyList<byte[]> bodyParts)
    {
        // A safety net against a hung test only; no assertion depends on time.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancel.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancel.Token);
        foreach (var part in bodyParts)
        {
            await stream.WriteAsync(part, cancel.Token);
        }

        await stream.FlushAsync(cancel.Token);

        var received = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var text = Encoding.ASCII.GetString(received.ToArray());
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd >= 0 && TryGetContentLength(text[..headEnd], out var length) && received.Length >= headEnd + 4 + length)
            {
                return text;
            }

            int read;
            try
            {
                read = await stream.ReadAsync(buffer, cancel.Token);
            }
            catch (IOException) when (received.Length > 0)
            {
                read = 0; // the server reset the connection after answering
            }

            if (read == 0)
            {
                return text;
            }

            received.Write(buffer, 0, read);
        }
    }

    private static bool TryGetContentLength(string head, out int length)
    {
        length = 0;
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return int.TryParse(line["Content-Length:".Length..].Trim(), out length);
            }
        }

        return false;
    }
}
