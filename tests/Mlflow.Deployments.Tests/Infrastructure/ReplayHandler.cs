using System.Net;
using System.Text;

namespace Mlflow.Deployments.Tests.Infrastructure;

/// <summary>What the client put on the wire.</summary>
public sealed record SentRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body);

/// <summary>
/// An in-process HttpMessageHandler that answers with recorded exchanges, in order, and keeps every request the
/// client sent. A recording whose body broke off is replayed as a body stream that fails after the recorded bytes.
/// </summary>
public sealed class ReplayHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _answers = new();
    private readonly List<SentRequest> _sent = [];
    private readonly SemaphoreSlim _received = new(0);

    public ReplayHandler(params WireExchange[] exchanges)
    {
        foreach (var exchange in exchanges)
        {
            Enqueue(exchange);
        }
    }

    public IReadOnlyList<SentRequest> Sent
    {
        get
        {
            lock (_sent)
            {
                return _sent.ToArray();
            }
        }
    }

    /// <summary>Optional hook run for each request before answering (e.g. to block until cancelled).</summary>
    public Func<HttpRequestMessage, CancellationToken, Task>? BeforeAnswer { get; set; }

    /// <summary>Reads the body in pieces of this many bytes (0: one read for everything).</summary>
    public int ReadSize { get; set; }

    public void Enqueue(WireExchange exchange) => _answers.Enqueue(() => ToResponse(exchange));

    public void Enqueue(Func<HttpResponseMessage> answer) => _answers.Enqueue(answer);

    /// <summary>Waits until the client has sent <paramref name="count"/> requests in all.</summary>
    public async Task WaitForRequestsAsync(int count)
    {
        while (Sent.Count < count)
        {
            // A guard against a hung test, not a timing assumption.
            if (!await _received.WaitAsync(TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException($"The client sent {Sent.Count} request(s), expected {count}.");
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // A routing 404 makes the client ask GET /version (MlflowMissingRoute); not part of the replayed exchange.
        if (request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.EndsWith("/version", StringComparison.Ordinal))
        {
            return new HttpResponseMessage(System.Net.HttpStatusCode.NotFound) { RequestMessage = request };
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name.ToLowerInvariant()] = string.Join(", ", values);
        }

        string? body = null;
        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name.ToLowerInvariant()] = string.Join(", ", values);
            }

            body = await request.Content.ReadAsStringAsync(cancellationToken);
        }

        lock (_sent)
        {
            _sent.Add(new SentRequest(request.Method.Method, request.RequestUri!, headers, body));
        }

        _received.Release();
        if (BeforeAnswer is { } hook)
        {
            await hook(request, cancellationToken);
        }

        if (!_answers.TryDequeue(out var answer))
        {
            throw new InvalidOperationException($"No recorded answer left for {request.Method} {request.RequestUri}.");
        }

        var response = answer();
        response.RequestMessage = request;
        return response;
    }

    public HttpResponseMessage ToResponse(WireExchange exchange)
    {
        var bytes = Encoding.UTF8.GetBytes(exchange.ResponseRawBody);
        var response = new HttpResponseMessage((HttpStatusCode)exchange.Status)
        {
            Content = new StreamContent(new ScriptedStream(bytes, ReadSize, exchange.BodyBrokeOff ? new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.") : null)),
        };
        foreach (var (name, value) in exchange.ResponseHeaders)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    public static HttpResponseMessage Answer(int status, string body, string contentType, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body) };
        response.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}

/// <summary>
/// A read-only body stream that hands out <paramref name="data"/> in reads of at most <paramref name="readSize"/>
/// bytes (or at the given split points), then ends or throws <paramref name="failure"/>.
/// </summary>
public sealed class ScriptedStream(byte[] data, int readSize = 0, Exception? failure = null, IReadOnlyList<int>? splits = null) : Stream
{
    private int _position;
    private int _split;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= data.Length)
        {
            if (failure is not null)
            {
                throw failure;
            }

            return 0;
        }

        var limit = data.Length - _position;
        if (splits is not null)
        {
            while (_split < splits.Count && splits[_split] <= _position)
            {
                _split++;
            }

            if (_split < splits.Count)
            {
                limit = splits[_split] - _position;
            }
        }
        else if (readSize > 0)
        {
            limit = Math.Min(limit, readSize);
        }

        var n = Math.Min(limit, buffer.Length);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
