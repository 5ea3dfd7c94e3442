using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mlflow.Reliability.Tests;

/// <summary>The faults <see cref="FaultProxy"/> can inject into one HTTP exchange.</summary>
public enum Fault
{
    /// <summary>Forward unchanged.</summary>
    None,

    /// <summary>Reset the connection (TCP RST) before reading the request: the server never sees it.</summary>
    ResetBeforeRequest,

    /// <summary>Read the request, let the server act on it, then reset instead of answering (the dangerous case for non-idempotent calls).</summary>
    ResetAfterRequest,

    /// <summary>Send the status line, the headers and half of the body, then reset.</summary>
    ResetMidBody,

    /// <summary>Read the request and never answer (until the client gives up or the proxy's bound).</summary>
    Stall,

    /// <summary>Send the headers and half of the body, then stall.</summary>
    StallMidBody,

    /// <summary>Answer 500 with MLflow's JSON error body.</summary>
    Status500,

    /// <summary>Answer 502 (plain text, as a proxy does).</summary>
    Status502,

    /// <summary>Answer 503 with MLflow's JSON error body.</summary>
    Status503,

    /// <summary>Answer 504 (plain text).</summary>
    Status504,

    /// <summary>Answer 429 with <c>Retry-After: 1</c> (seconds).</summary>
    RateLimitedSeconds,

    /// <summary>Answer 429 with <c>Retry-After</c> as an HTTP date one second ahead.</summary>
    RateLimitedDate,

    /// <summary>Answer 408 Request Timeout.</summary>
    Status408,

    /// <summary>Forward, then answer the server's status with the JSON body cut in half (a consistent <c>Content-Length</c>).</summary>
    TruncatedJson,

    /// <summary>Forward, then answer the server's status with bytes of the JSON body overwritten by garbage.</summary>
    CorruptJson,

    /// <summary>Answer 502 with an HTML error page, as nginx or a load balancer in front of MLflow does.</summary>
    HtmlErrorPage,

    /// <summary>Answer 200 with an HTML page (a login page of an SSO proxy in front of MLflow).</summary>
    HtmlOkPage,

    /// <summary>Forward, then answer with <c>Content-Encoding: gzip</c> and a body that is not gzip.</summary>
    CorruptGzip,

    /// <summary>Forward, then send the body a few bytes at a time with pauses (well within the attempt timeout).</summary>
    DribbleBody,
}

/// <summary>One request the proxy saw and what it did with it.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Target">Request target (path and query).</param>
/// <param name="Fault">The fault applied.</param>
/// <param name="ReachedServer">Whether the request was forwarded to the server.</param>
public sealed record ProxiedRequest(string Method, string Target, Fault Fault, bool ReachedServer);

/// <summary>
/// An in-process HTTP/1.1 proxy on loopback that forwards to one upstream (the embedded MLflow server) and injects
/// <see cref="Fault"/>s into the exchanges that match a rule: the next <c>count</c> matching requests get the fault,
/// the rest pass. Every answer closes its connection, so each attempt of the client is one connection and one rule
/// decision. Bounded: it stops accepting after <see cref="MaxConnections"/> connections or its lifetime, and no
/// stall lasts longer than <see cref="StallBound"/>.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private const int MaxHeadBytes = 64 * 1024;
    private readonly TcpListener listener;
    private readonly Uri upstream;
    private readonly HttpClient forwarder;
    private readonly CancellationTokenSource lifetime;
    private readonly Task acceptLoop;
    private readonly ConcurrentQueue<ProxiedRequest> seen = new();
    private readonly List<Rule> rules = [];
    private readonly List<Task> connections = [];
    private int connectionCount;

    /// <summary>Starts a proxy in front of <paramref name="upstream"/>.</summary>
    /// <param name="upstream">The server's base URI.</param>
    /// <param name="lifetimeBound">How long the proxy runs at most (default 2 minutes).</param>
    public FaultProxy(Uri upstream, TimeSpan? lifetimeBound = null)
    {
        this.upstream = upstream;
        forwarder = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseProxy = false })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        lifetime = new CancellationTokenSource(lifetimeBound ?? TimeSpan.FromMinutes(2));
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Uri = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Most connections accepted over the proxy's life.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>The longest a stall holds a connection.</summary>
    public TimeSpan StallBound { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The proxy's address (loopback).</summary>
    public Uri Uri { get; }

    /// <summary>Every request seen, in order.</summary>
    public IReadOnlyList<ProxiedRequest> Seen => [.. seen];

    /// <summary>The next <paramref name="count"/> requests whose method and target match get <paramref name="fault"/>.</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="count">How many matching requests get it (<see cref="int.MaxValue"/>: all).</param>
    /// <param name="method">Method to match (null: any).</param>
    /// <param name="pathContains">Substring of the target to match (null: any).</param>
    public void Inject(Fault fault, int count, string? method = null, string? pathContains = null)
    {
        lock (rules) rules.Add(new Rule(fault, count, method, pathContains));
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (rules) rules.Clear();
    }

    /// <summary>Requests seen that match.</summary>
    /// <param name="method">Method.</param>
    /// <param name="pathContains">Substring of the target.</param>
    /// <returns>The matching requests.</returns>
    public IReadOnlyList<ProxiedRequest> SeenFor(string method, string pathContains) =>
        [.. seen.Where(r => r.Method == method && r.Target.Contains(pathContains, StringComparison.Ordinal))];

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await lifetime.CancelAsync();
        listener.Stop();
        try
        {
            await acceptLoop;
        }
        catch (Exception)
        {
            // stopped
        }

        Task[] open;
        lock (connections) open = [.. connections];
        await Task.WhenAll(open.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        forwarder.Dispose();
        lifetime.Dispose();
    }

    private Fault Decide(string method, string target)
    {
        lock (rules)
        {
            foreach (var rule in rules)
            {
                if (rule.Remaining > 0 && (rule.Method is null || rule.Method == method) && (rule.PathContains is null || target.Contains(rule.PathContains, StringComparison.Ordinal)))
                {
                    if (rule.Remaining != int.MaxValue) rule.Remaining--;
                    return rule.Fault;
                }
            }
        }

        return Fault.None;
    }

    private async Task AcceptLoopAsync()
    {
        var token = lifetime.Token;
        while (!token.IsCancellationRequested && connectionCount < MaxConnections)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(token);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }

            Interlocked.Increment(ref connectionCount);
            var task = Task.Run(() => ServeAsync(client, token), CancellationToken.None);
            lock (connections)
            {
                connections.RemoveAll(t => t.IsCompleted);
                connections.Add(task);
            }
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken token)
    {
        using var _ = client;
        client.NoDelay = true;
        var stream = client.GetStream();
        try
        {
            // Only the request line and headers are read before the decision: a reset before the request is read
            // leaves its body unread (the server never sees any of it).
            var head = await ReadHeadAsync(stream, token);
            if (head is null) return;
            var fault = Decide(head.Method, head.Target);
            if (fault == Fault.ResetBeforeRequest)
            {
                seen.Enqueue(new ProxiedRequest(head.Method, head.Target, fault, ReachedServer: false));
                Reset(client);
                return;
            }

            var request = await ReadBodyAsync(stream, head, token);
            if (request is null) return;

            var forwards = fault is Fault.None or Fault.ResetAfterRequest or Fault.ResetMidBody or Fault.StallMidBody or Fault.TruncatedJson
                or Fault.CorruptJson or Fault.CorruptGzip or Fault.DribbleBody;
            seen.Enqueue(new ProxiedRequest(request.Method, request.Target, fault, forwards));
            Answer answer;
            if (forwards)
            {
                answer = await ForwardAsync(request, token);
            }
            else
            {
                answer = Canned(fault);
            }

            switch (fault)
            {
                case Fault.ResetAfterRequest:
                    Reset(client);
                    return;
                case Fault.Stall:
                    await Delay(StallBound, token);
                    Reset(client);
                    return;
                case Fault.ResetMidBody:
                    await WriteHeadAsync(stream, answer, answer.Body.Length, token);
                    await stream.WriteAsync(answer.Body.AsMemory(0, answer.Body.Length / 2), token);
                    await stream.FlushAsync(token);
                    await Task.Delay(20, token);
                    Reset(client);
                    return;
                case Fault.StallMidBody:
                    await WriteHeadAsync(stream, answer, answer.Body.Length, token);
                    await stream.WriteAsync(answer.Body.AsMemory(0, answer.Body.Length / 2), token);
                    await stream.FlushAsync(token);
                    await Delay(StallBound, token);
                    Reset(client);
                    return;
                case Fault.TruncatedJson:
                    answer = answer with { Body = answer.Body[..(answer.Body.Length / 2)] };
                    break;
                case Fault.CorruptJson:
                    answer = answer with { Body = Corrupt(answer.Body) };
                    break;
                case Fault.CorruptGzip:
                    answer = answer with
                    {
                        Headers = [.. answer.Headers.Where(h => !h.Name.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase)), ("Content-Encoding", "gzip")],
                        Body = [0x1f, 0x8b, 0x08, 0x00, .. Corrupt(answer.Body)],
                    };
                    break;
                case Fault.DribbleBody:
                    await WriteHeadAsync(stream, answer, answer.Body.Length, token);
                    var step = Math.Max(1, answer.Body.Length / 8);
                    for (var i = 0; i < answer.Body.Length; i += step)
                    {
                        await stream.WriteAsync(answer.Body.AsMemory(i, Math.Min(step, answer.Body.Length - i)), token);
                        await stream.FlushAsync(token);
                        await Task.Delay(25, token);
                    }

                    Close(client);
                    return;
            }

            await WriteHeadAsync(stream, answer, answer.Body.Length, token);
            await stream.WriteAsync(answer.Body, token);
            await stream.FlushAsync(token);
            Close(client);
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            Reset(client);
        }
        catch (IOException)
        {
            // the client went away
        }
        catch (SocketException)
        {
            // the client went away
        }
    }

    private static async Task Delay(TimeSpan bound, CancellationToken token)
    {
        try
        {
            await Task.Delay(bound, token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0);
            client.Client.Close();
        }
        catch (Exception)
        {
            // already gone
        }
    }

    private static void Close(TcpClient client)
    {
        try
        {
            client.Client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception)
        {
            // already gone
        }
    }

    private static byte[] Corrupt(byte[] body)
    {
        var copy = (byte[])body.Clone();
        for (var i = 0; i < copy.Length; i += 7) copy[i] = (byte)'\u00ff';
        if (copy.Length == 0) copy = "\u00ff\u00fe"u8.ToArray();
        return copy;
    }

    private static Answer Canned(Fault fault)
    {
        static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
        (string, string)[] json = [("Content-Type", "application/json")];
        (string, string)[] text = [("Content-Type", "text/plain")];
        (string, string)[] html = [("Content-Type", "text/html; charset=utf-8")];
        return fault switch
        {
            Fault.Status500 => new Answer(500, "INTERNAL SERVER ERROR", json, Utf8("""{"error_code": "INTERNAL_ERROR", "message": "injected: database is locked"}""")),
            Fault.Status502 => new Answer(502, "Bad Gateway", text, Utf8("upstream connect error or disconnect/reset before headers")),
            Fault.Status503 => new Answer(503, "SERVICE UNAVAILABLE", json, Utf8("""{"error_code": "TEMPORARILY_UNAVAILABLE", "message": "injected: try again"}""")),
            Fault.Status504 => new Answer(504, "Gateway Timeout", text, Utf8("upstream request timeout")),
            Fault.RateLimitedSeconds => new Answer(429, "TOO MANY REQUESTS", [.. json, ("Retry-After", "1")], Utf8("""{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "injected: slow down"}""")),
            Fault.RateLimitedDate => new Answer(429, "TOO MANY REQUESTS", [.. json, ("Retry-After", DateTimeOffset.UtcNow.AddSeconds(1).ToString("R", CultureInfo.InvariantCulture))], Utf8("""{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "injected: slow down"}""")),
            Fault.Status408 => new Answer(408, "Request Timeout", text, Utf8("request timeout")),
            Fault.HtmlErrorPage => new Answer(502, "Bad Gateway", html, Utf8("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n")),
            Fault.HtmlOkPage => new Answer(200, "OK", html, Utf8("<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action=\"/login\"><input name=\"user\"></form></body></html>")),
            Fault.Stall => new Answer(200, "OK", json, []),
            _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
        };
    }

    private async Task<Answer> ForwardAsync(RawRequest request, CancellationToken token)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(upstream, request.Target));
        if (request.Body.Length > 0 || request.Method is "POST" or "PUT" or "PATCH")
        {
            message.Content = new ByteArrayContent(request.Body);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (IsHopByHop(name) || name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            if (!message.Headers.TryAddWithoutValidation(name, value)) message.Content?.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await forwarder.SendAsync(message, token);
        var body = await response.Content.ReadAsByteArrayAsync(token);
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => !IsHopByHop(h.Key))
            .SelectMany(h => h.Value.Select(v => (h.Key, v)))
            .ToArray();
        return new Answer((int)response.StatusCode, response.ReasonPhrase ?? "OK", headers, body);
    }

    private static bool IsHopByHop(string name) =>
        name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("TE", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) || name.Equals("Expect", StringComparison.OrdinalIgnoreCase);

    private static async Task WriteHeadAsync(NetworkStream stream, Answer answer, int contentLength, CancellationToken token)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {answer.Status} {answer.Reason}\r\n");
        foreach (var (name, value) in answer.Headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {contentLength}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), token);
    }

    private static async Task<RawHead?> ReadHeadAsync(NetworkStream stream, CancellationToken token)
    {
        var buffer = new List<byte>(4096);
        var chunk = new byte[8192];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(buffer)) < 0)
        {
            if (buffer.Count > MaxHeadBytes) return null;
            var n = await stream.ReadAsync(chunk, token);
            if (n == 0) return null;
            buffer.AddRange(chunk.AsSpan(0, n));
        }

        var head = Encoding.ASCII.GetString(buffer.GetRange(0, headEnd).ToArray());
        var lines = head.Split("\r\n");
        var start = lines[0].Split(' ');
        var headers = new List<(string, string)>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        return new RawHead(start[0], start.Length > 1 ? start[1] : "/", headers, new List<byte>(buffer.Skip(headEnd + 4)));
    }

    private static async Task<RawRequest?> ReadBodyAsync(NetworkStream stream, RawHead head, CancellationToken token)
    {
        var headers = head.Headers;
        var rest = head.Rest;
        var chunk = new byte[8192];
        byte[] body;
        var length = headers.FirstOrDefault(h => h.Item1.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Item2;
        var chunked = headers.Any(h => h.Item1.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Item2.Contains("chunked", StringComparison.OrdinalIgnoreCase));
        if (chunked)
        {
            body = await ReadChunkedAsync(stream, rest, token);
        }
        else
        {
            var expected = length is null ? 0 : long.Parse(length, CultureInfo.InvariantCulture);
            while (rest.Count < expected)
            {
                var n = await stream.ReadAsync(chunk, token);
                if (n == 0) return null;
                rest.AddRange(chunk.AsSpan(0, n));
            }

            body = [.. rest.Take((int)expected)];
        }

        return new RawRequest(head.Method, head.Target, headers, body);
    }

    private static async Task<byte[]> ReadChunkedAsync(NetworkStream stream, List<byte> pending, CancellationToken token)
    {
        var body = new List<byte>();
        var chunk = new byte[8192];
        async Task<bool> Fill(int atLeast)
        {
            while (pending.Count < atLeast)
            {
                var n = await stream.ReadAsync(chunk, token);
                if (n == 0) return false;
                pending.AddRange(chunk.AsSpan(0, n));
            }

            return true;
        }

        while (true)
        {
            int lineEnd;
            while ((lineEnd = IndexOf(pending, "\r\n"u8.ToArray())) < 0)
            {
                if (!await Fill(pending.Count + 1)) return [.. body];
            }

            var sizeText = Encoding.ASCII.GetString(pending.GetRange(0, lineEnd).ToArray()).Split(';')[0].Trim();
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            pending.RemoveRange(0, lineEnd + 2);
            if (size == 0)
            {
                // trailers: read up to the blank line
                while (IndexOf(pending, "\r\n"u8.ToArray()) < 0 && await Fill(pending.Count + 1))
                {
                }

                return [.. body];
            }

            if (!await Fill(size + 2)) return [.. body];
            body.AddRange(pending.GetRange(0, size));
            pending.RemoveRange(0, size + 2);
        }
    }

    private static int IndexOfHeadEnd(List<byte> buffer) => IndexOf(buffer, "\r\n\r\n"u8.ToArray());

    private static int IndexOf(List<byte> buffer, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= buffer.Count; i++)
        {
            var match = true;
            for (var j = 0; j < pattern.Length && match; j++) match = buffer[i + j] == pattern[j];
            if (match) return i;
        }

        return -1;
    }

    private sealed class Rule(Fault fault, int count, string? method, string? pathContains)
    {
        public Fault Fault { get; } = fault;

        public int Remaining { get; set; } = count;

        public string? Method { get; } = method;

        public string? PathContains { get; } = pathContains;
    }

    private sealed record RawHead(string Method, string Target, List<(string Name, string Value)> Headers, List<byte> Rest);

    private sealed record RawRequest(string Method, string Target, List<(string Name, string Value)> Headers, byte[] Body);

    private sealed record Answer(int Status, string Reason, (string Name, string Value)[] Headers, byte[] Body);
}
