using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Kiota.Abstractions;

namespace Mlflow.Deployments.Http;

/// <summary>
/// HTTP plumbing shared by the built-in targets, on the client's pipeline: requests are built by the generated
/// request builders (<see cref="Api"/>; a raw URL only for routes the spec does not describe), converted by the
/// client's Kiota request adapter (authentication providers apply) and sent through <see cref="MlflowHttpPipeline"/>
/// (retries with MLflow's deployments retry codes, per-attempt predict or request timeout without retrying timeouts,
/// headers, credentials, logging, tracing). The pipeline's <see cref="MlflowException"/>s become the deployments
/// errors; success bodies are kept as received (JSON text or Server-Sent Events parsed with <see cref="SseParser"/>).
/// </summary>
internal sealed class DeploymentsTransport : IDisposable
{
    private const string Json = "application/json";
    private const string EventStream = "text/event-stream";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    public DeploymentsTransport(Uri baseUri, DeploymentClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentNullException.ThrowIfNull(options);
        // Keep any path prefix of the base URI: relative paths are resolved under it.
        BaseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        Options = options;
        Settings = options.Resolve(baseUri);
        if (options.HttpClient is { } http)
        {
            _http = http;
        }
        else
        {
            var pipeline = MlflowHttpPipeline.Create(Settings, options.LoggerFactory, options.TimeProvider, options.InnerHandler);
            _http = new HttpClient(pipeline, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            _ownsHttp = true;
        }

        Client = new MlflowClient(_http, Settings);
    }

    public Uri BaseUri { get; }

    public DeploymentClientOptions Options { get; }

    /// <summary>The resolved settings the pipeline runs on.</summary>
    public MlflowSettings Settings { get; }

    /// <summary>A client on the same pipeline: its request adapter converts requests, its builders name the routes.</summary>
    public MlflowClient Client { get; }

    /// <summary>The generated request builders (<c>Api.Endpoints["chat"].Invocations</c>, ...).</summary>
    public Mlflow.Client.MlflowApiClient Api => Client.Api;

    /// <summary>A placeholder body for builders whose body is free-form JSON; the real body replaces it.</summary>
    public static UntypedNode AnyJson { get; } = new UntypedObject(new Dictionary<string, UntypedNode>());

    /// <summary>The request configuration every call uses: its own <c>Accept</c>.</summary>
    public static Action<RequestConfiguration<T>> Accept<T>(string accept = Json, Action<T>? query = null)
        where T : class, new() =>
        c =>
        {
            c.Headers.Add("Accept", accept);
            query?.Invoke(c.QueryParameters);
        };

    /// <summary>A request to a route the spec does not describe, relative to <see cref="BaseUri"/>.</summary>
    public RequestInformation Raw(HttpMethod method, string relative) =>
        new(Enum.Parse<Method>(method.Method, ignoreCase: true), string.Empty, new Dictionary<string, object>())
        {
            URI = new Uri(BaseUri, relative.TrimStart('/')),
        };

    /// <summary>Sends a request and returns the success body (JSON text) with the kept headers.</summary>
    public async Task<PredictionsResponse> SendAsync(
        RequestInformation request, string? jsonBody, TimeSpan timeout, CancellationToken cancellationToken, string accept = Json)
    {
        using var response = await SendWithPolicyAsync(request, jsonBody, accept, timeout, HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new PredictionsResponse(body, KeptHeaders(response));
    }

    public Task<PredictionsResponse> GetAsync(RequestInformation request, CancellationToken cancellationToken) =>
        SendAsync(request, null, Options.RequestTimeout, cancellationToken);

    /// <summary>A predict call: <paramref name="inputs"/> (an empty object when null) posted under the predict timeout.</summary>
    public Task<PredictionsResponse> PredictAsync(RequestInformation request, JsonNode? inputs, CancellationToken cancellationToken) =>
        SendAsync(request, (inputs ?? new JsonObject()).ToJsonString(), Options.PredictTimeout, cancellationToken);

    /// <summary>
    /// A streaming predict call: a copy of <paramref name="inputs"/> with <c>"stream": true</c>. The body is written
    /// here, before the stream is enumerated, so inputs that are not a JSON object throw at the call.
    /// </summary>
    public IAsyncEnumerable<PredictionChunk> PredictStreamAsync(RequestInformation request, JsonNode? inputs, CancellationToken cancellationToken) =>
        StreamAsync(request, Streaming.WithStreamFlag(inputs).ToJsonString(), cancellationToken);

    /// <summary>
    /// Sends a streaming request and yields one chunk per SSE event. <c>[DONE]</c> ends the stream; an error frame
    /// or a broken body throws <see cref="DeploymentsStreamException"/>; a JSON answer (targets that ignore
    /// <c>stream</c>, e.g. embeddings) is yielded as a single chunk.
    /// </summary>
    public async IAsyncEnumerable<PredictionChunk> StreamAsync(
        RequestInformation request, string jsonBody, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await SendWithPolicyAsync(
            request, jsonBody, EventStream, Options.PredictTimeout, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, EventStream, StringComparison.OrdinalIgnoreCase))
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            yield return new PredictionChunk(body);
            yield break;
        }

        var path = response.RequestMessage?.RequestUri?.AbsolutePath ?? "(stream)";
        using var stream = new EventStreamEndStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        var parser = SseParser.Create(stream);
        await using var events = parser.EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var delivered = 0;
        while (true)
        {
            bool more;
            try
            {
                more = await events.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new DeploymentsStreamException(
                    $"POST {path}: the event stream broke off after {delivered} chunk(s) "
                    + $"(the server closed the connection without finishing the answer): {ex.Message}",
                    delivered, ex);
            }

            if (!more)
            {
                yield break;
            }

            var item = events.Current;
            if (item.Data.Trim() == "[DONE]")
            {
                yield break;
            }

            var chunk = new PredictionChunk(item.Data, item.EventType, item.EventId);
            if (IsErrorFrame(chunk, out var detail, out var code))
            {
                throw new DeploymentsStreamException(
                    $"POST {path}: the server sent an error in the event stream after {delivered} chunk(s)"
                    + (code is null ? "" : $" ({code})") + $": {detail}",
                    delivered, errorFrame: chunk.Json?.DeepClone());
            }

            delivered++;
            yield return chunk;
        }
    }

    private static bool IsErrorFrame(PredictionChunk chunk, out string? detail, out string? code)
    {
        detail = null;
        code = null;
        var isErrorEvent = string.Equals(chunk.EventType, "error", StringComparison.OrdinalIgnoreCase);
        if (chunk.Json is JsonObject obj && !obj.ContainsKey("choices")
            && (obj.TryGetPropertyValue("error", out var error) || obj.TryGetPropertyValue("detail", out error)))
        {
            (detail, code) = error switch
            {
                JsonObject inner => DeploymentsErrors.FromErrorObject(inner),
                JsonValue v when v.TryGetValue<string>(out var s) => (s, null),
                _ => (error?.ToJsonString(), null),
            };
            return true;
        }

        if (isErrorEvent)
        {
            detail = chunk.Data;
            return true;
        }

        return false;
    }

    private async Task<HttpResponseMessage> SendWithPolicyAsync(
        RequestInformation info, string? jsonBody, string accept, TimeSpan timeout, HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        if (!info.Headers.ContainsKey("Accept"))
        {
            info.Headers.Add("Accept", accept);
        }

        if (jsonBody is not null)
        {
            info.SetStreamContent(new MemoryStream(Encoding.UTF8.GetBytes(jsonBody), writable: false), Json);
        }

        // MLflow's deployments client: its own timeout per kind of request, and a timed-out attempt is not retried.
        info.AddRequestOptions([new MlflowRequestOption { AttemptTimeout = timeout, RetryOnTimeout = false }]);
        var method = info.HttpMethod.ToString().ToUpperInvariant();
        using var request = await Client.RequestAdapter.ConvertToNativeRequestAsync<HttpRequestMessage>(info, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The request adapter produced no HTTP request.");
        var uri = request.RequestUri ?? BaseUri;
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (MlflowException ex)
        {
            throw DeploymentsErrors.Translate(ex, method, uri, timeout);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A supplied HttpClient's own Timeout fires as a cancellation.
            throw new DeploymentsTimeoutException(
                string.Create(CultureInfo.InvariantCulture, $"{method} {uri.AbsolutePath} timed out after {_http.Timeout.TotalSeconds:0.###} s (HttpClient.Timeout of the supplied client)."),
                _http.Timeout, ex);
        }
    }

    private static Dictionary<string, string> KeptHeaders(HttpResponseMessage response)
    {
        var kept = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            var lower = name.ToLowerInvariant();
            if (lower == "content-type" || lower.StartsWith("x-", StringComparison.Ordinal))
            {
                kept[lower] = string.Join(", ", values);
            }
        }

        return kept;
    }

    public void Dispose()
    {
        Client.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
