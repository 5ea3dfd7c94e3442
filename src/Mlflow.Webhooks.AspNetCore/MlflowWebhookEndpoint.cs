using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Mlflow.Webhooks.AspNetCore;

/// <summary>The request pipeline of one MLflow webhook endpoint: headers, bounded body, verification, de-duplication, handler.</summary>
internal sealed class MlflowWebhookEndpoint(
    WebhookVerifier verifier,
    IWebhookDeliveryDeduplicator? deduplicator,
    Func<VerifiedWebhookDelivery, HttpContext, Task> handler,
    ILogger logger)
{
    private const int InitialBufferSize = 16 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var headerCheck = ReadHeaders(request.Headers, out var deliveryId, out var timestamp, out var signature);
        if (headerCheck is not null)
        {
            await RejectAsync(context, headerCheck).ConfigureAwait(false);
            return;
        }

        var limit = verifier.MaxBodyBytes;
        if (request.ContentLength > limit)
        {
            await RejectAsync(context, TooLarge(limit)).ConfigureAwait(false);
            return;
        }

        var buffer = await ReadBodyAsync(request.Body, limit, request.ContentLength, context.RequestAborted).ConfigureAwait(false);
        WebhookVerificationResult result;
        try
        {
            if (buffer.Length < 0)
            {
                result = TooLarge(limit);
            }
            else
            {
                result = verifier.Verify(deliveryId, timestamp, signature, buffer.Array.AsSpan(0, buffer.Length));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer.Array);
        }

        if (!result.IsVerified)
        {
            await RejectAsync(context, result).ConfigureAwait(false);
            return;
        }

        var delivery = result.Delivery;
        if (deduplicator is not null && !await deduplicator.TryBeginAsync(delivery, context.RequestAborted).ConfigureAwait(false))
        {
            logger.LogInformation("MLflow webhook delivery {DeliveryId} ({Event}) was already handled; acknowledged without calling the handler.",
                delivery.DeliveryId, delivery.EventName);
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        var handled = false;
        try
        {
            await handler(delivery, context).ConfigureAwait(false);
            handled = context.Response.StatusCode < 400;
        }
        finally
        {
            if (deduplicator is not null)
            {
                await deduplicator.EndAsync(delivery, handled, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static WebhookVerificationResult? ReadHeaders(IHeaderDictionary headers, out string? deliveryId, out string? timestamp, out string? signature)
    {
        deliveryId = timestamp = signature = null;
        var id = headers[WebhookHeaders.DeliveryId];
        var time = headers[WebhookHeaders.Timestamp];
        var signatures = headers[WebhookHeaders.Signature];
        if (StringValues.IsNullOrEmpty(id))
        {
            return Missing(WebhookHeaders.DeliveryId);
        }

        if (StringValues.IsNullOrEmpty(time))
        {
            return Missing(WebhookHeaders.Timestamp);
        }

        if (StringValues.IsNullOrEmpty(signatures))
        {
            return Missing(WebhookHeaders.Signature);
        }

        if (id.Count > 1)
        {
            return Repeated(WebhookHeaders.DeliveryId);
        }

        if (time.Count > 1)
        {
            return Repeated(WebhookHeaders.Timestamp);
        }

        deliveryId = id.ToString();
        timestamp = time.ToString();
        signature = signatures.Count == 1 ? signatures.ToString() : string.Join(' ', signatures.ToArray());
        return null;
    }

    private static WebhookVerificationResult Missing(string header) =>
        WebhookVerificationResult.Rejected(WebhookRejectionReason.MissingHeader, $"The {header} header is missing.", header);

    private static WebhookVerificationResult Repeated(string header) =>
        WebhookVerificationResult.Rejected(WebhookRejectionReason.MalformedHeader, $"The {header} header is repeated.", header);

    private static WebhookVerificationResult TooLarge(int limit) =>
        WebhookVerificationResult.Rejected(WebhookRejectionReason.BodyTooLarge, $"The body is larger than {limit} bytes.");

    /// <summary>Reads at most <paramref name="limit"/> + 1 bytes; a length of -1 means the body is larger than the limit.</summary>
    private static async Task<(byte[] Array, int Length)> ReadBodyAsync(Stream body, int limit, long? contentLength, CancellationToken cancellationToken)
    {
        var cap = limit + 1;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(contentLength ?? InitialBufferSize, limit) + 1);
        var total = 0;
        try
        {
            while (true)
            {
                var room = Math.Min(buffer.Length, cap) - total;
                if (room == 0)
                {
                    if (total >= cap)
                    {
                        return (buffer, -1);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, cap));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                    continue;
                }

                var read = await body.ReadAsync(buffer.AsMemory(total, room), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer, total);
                }

                total += read;
                if (total > limit)
                {
                    return (buffer, -1);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private async Task RejectAsync(HttpContext context, WebhookVerificationResult result)
    {
        var reason = result.Reason;
        logger.Log(reason.IsAuthenticationFailure() ? LogLevel.Information : LogLevel.Warning,
            "MLflow webhook delivery rejected: {Reason}. {Message}", reason.ToCode(), result.Message);

        var response = context.Response;
        response.StatusCode = reason.ToHttpStatusCode();
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        if (reason == WebhookRejectionReason.BodyTooLarge)
        {
            // The rest of the body is not read; do not keep the connection for it.
            response.Headers.Connection = "close";
        }

        var json = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("error", reason.ToCode());
            writer.WriteString("message", result.Message);
            writer.WriteEndObject();
        }

        response.ContentLength = json.WrittenCount;
        await response.Body.WriteAsync(json.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
