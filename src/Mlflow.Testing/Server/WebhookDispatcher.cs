using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mlflow.Webhooks;

namespace Mlflow.Testing.Server;

/// <summary>Where a delivery goes: the webhook's URL and secret (none: unsigned), captured when the event fired.</summary>
internal sealed record WebhookTarget(string Url, string? Secret);

/// <summary>The outcome of one delivery, as the test endpoint reports it.</summary>
internal sealed record WebhookSendResult(bool Success, int? Status, string? Body, string? Error);

/// <summary>
/// Sends webhook deliveries as MLflow does: <c>POST</c> of the envelope <c>{"entity", "action", "timestamp", "data"}</c>
/// (Python <c>json.dumps</c> bytes) with <c>X-MLflow-Delivery-Id</c>, <c>X-MLflow-Timestamp</c> (Unix seconds) and,
/// when the webhook has a secret, <c>X-MLflow-Signature: v1,&lt;base64 HMAC-SHA256&gt;</c> signed by
/// <see cref="WebhookSigner"/>. Event deliveries run in the background after the API call answered, with MLflow's
/// retry rule (429 and 5xx retried up to 3 times with 1, 2, 4 s back-off); failures are only logged.
/// </summary>
internal sealed class WebhookDispatcher : IDisposable
{
    private static readonly int[] RetryStatuses = [429, 500, 502, 503, 504];
    private readonly HttpClient client;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private int pending;

    public WebhookDispatcher(MlflowTestServerOptions options)
    {
        clock = options.TimeProvider;
        logger = options.LoggerFactory?.CreateLogger<WebhookDispatcher>() ?? (ILogger)NullLogger.Instance;
        client = new HttpClient { Timeout = options.WebhookTimeout };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("mlflow-dotnet-test-server", "1.0"));
    }

    /// <summary>Deliveries queued or in flight.</summary>
    public int Pending => Volatile.Read(ref pending);

    /// <summary>Queues an event delivery; returns at once.</summary>
    public void Enqueue(WebhookTarget target, string entity, string action, JsonObject data)
    {
        Interlocked.Increment(ref pending);
        _ = Task.Run(async () =>
        {
            try
            {
                var delays = new[] { TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4) };
                var body = Envelope(entity, action, data);
                var deliveryId = Guid.NewGuid().ToString("D");
                foreach (var delay in delays)
                {
                    if (delay > TimeSpan.Zero) await Task.Delay(delay, clock, stopping.Token).ConfigureAwait(false);
                    var result = await PostAsync(target, body, deliveryId, stopping.Token).ConfigureAwait(false);
                    if (result.Status is not { } status || !RetryStatuses.Contains(status)) break;
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Webhook delivery of {Entity}.{Action} to {Url} failed", entity, action, target.Url);
            }
            finally
            {
                Interlocked.Decrement(ref pending);
            }
        });
    }

    /// <summary>Sends one delivery now and reports the answer (the test endpoint).</summary>
    public async Task<WebhookSendResult> SendAsync(WebhookTarget target, string entity, string action, JsonObject data, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping.Token);
        try
        {
            return await PostAsync(target, Envelope(entity, action, data), Guid.NewGuid().ToString("D"), linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new WebhookSendResult(false, null, null, e.Message);
        }
    }

    public void Dispose()
    {
        stopping.Cancel();
        client.Dispose();
    }

    private byte[] Envelope(string entity, string action, JsonObject data)
    {
        using var document = JsonDocument.Parse(data.ToJsonString());
        return WebhookSigner.CreateEnvelope(entity, action, document.RootElement, clock.GetUtcNow());
    }

    private async Task<WebhookSendResult> PostAsync(WebhookTarget target, byte[] body, string deliveryId, CancellationToken cancellationToken)
    {
        HttpRequestMessage request;
        if (target.Secret is { } secret)
        {
            request = new WebhookSigner(secret, clock).Sign(body, deliveryId).ToHttpRequestMessage(new Uri(target.Url));
        }
        else
        {
            request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("X-MLflow-Delivery-Id", deliveryId);
            request.Headers.TryAddWithoutValidation("X-MLflow-Timestamp", clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        }
        using (request)
        {
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return new WebhookSendResult(status < 400, status, text, null);
        }
    }
}

/// <summary>The example payload of each event, read from the spec's webhook section (embedded at build time).</summary>
internal static class WebhookExamples
{
    private static readonly Lazy<JsonObject> Spec = new(() =>
    {
        using var stream = typeof(WebhookExamples).Assembly.GetManifestResourceStream("mlflow.openapi.json")
            ?? throw new InvalidOperationException("The embedded spec is missing.");
        return JsonNode.Parse(stream)!.AsObject();
    });

    public static JsonObject? For(string entity, string action)
    {
        var reference = (string?)Spec.Value["webhooks"]?[$"{entity}.{action}"]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]?["properties"]?["data"]?["$ref"];
        if (reference is null) return null;
        var schema = Spec.Value["components"]!["schemas"]![reference[(reference.LastIndexOf('/') + 1)..]];
        return schema?["example"]?.DeepClone() as JsonObject;
    }
}
