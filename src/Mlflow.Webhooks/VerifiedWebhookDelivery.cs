using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Mlflow.Webhooks;

/// <summary>A webhook delivery whose signature, timestamp, envelope and payload were verified.</summary>
public sealed class VerifiedWebhookDelivery
{
    internal VerifiedWebhookDelivery(
        string deliveryId,
        DateTimeOffset timestamp,
        WebhookEvent webhookEvent,
        DateTimeOffset eventTimestamp,
        string? workspace,
        JsonElement data,
        WebhookPayload? payload,
        ReadOnlyMemory<byte> rawBody)
    {
        DeliveryId = deliveryId;
        Timestamp = timestamp;
        Event = webhookEvent;
        EventTimestamp = eventTimestamp;
        Workspace = workspace;
        Data = data;
        Payload = payload;
        RawBody = rawBody;
    }

    /// <summary>The <see cref="WebhookHeaders.DeliveryId"/> value; MLflow reuses it when it retries, so it is the de-duplication key.</summary>
    public string DeliveryId { get; }

    /// <summary>The signed <see cref="WebhookHeaders.Timestamp"/> (whole seconds, UTC).</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The event: the envelope's (<c>entity</c>, <c>action</c>), e.g. <see cref="WebhookEvent.ModelVersionCreated"/>.</summary>
    public WebhookEvent Event { get; }

    /// <summary>The envelope's <c>entity</c> wire name (<c>model_version</c>, <c>prompt</c>, <c>budget_policy</c>...).</summary>
    public string Entity => Event.Entity;

    /// <summary>The envelope's <c>action</c> wire name (<c>created</c>, <c>set</c>, <c>deleted</c>, <c>exceeded</c>).</summary>
    public string Action => Event.Action;

    /// <summary>The event as <c>entity.action</c> (<c>model_version.created</c>).</summary>
    public string EventName => Event.ToString();

    /// <summary>The envelope's <c>timestamp</c>: when MLflow built the payload (microsecond precision).</summary>
    public DateTimeOffset EventTimestamp { get; }

    /// <summary>The envelope's <c>workspace</c>; null when the server does not run with workspaces.</summary>
    public string? Workspace { get; }

    /// <summary>The envelope's <c>data</c> object, detached from the body (safe to keep).</summary>
    public JsonElement Data { get; }

    /// <summary>
    /// The payload as the union case of its event (<see cref="WebhookPayload.ModelVersionCreated"/>, ...), with the
    /// envelope's <see cref="WebhookPayload.Timestamp"/> and <see cref="WebhookPayload.Workspace"/>; read it with
    /// <see cref="WebhookPayload.Match{TResult}"/>, <see cref="WebhookPayload.Switch"/> or a type pattern. Always set by
    /// <see cref="DefaultWebhookPayloadReader"/>; null only when a custom <see cref="IWebhookPayloadReader"/> chose not to type it.
    /// </summary>
    public WebhookPayload? Payload { get; }

    /// <summary>The exact body bytes that were signed.</summary>
    public ReadOnlyMemory<byte> RawBody { get; }

    /// <summary>Gets <see cref="Payload"/> as <typeparamref name="T"/> when it is one.</summary>
    /// <typeparam name="T">The expected case, e.g. <see cref="WebhookPayload.ModelVersionAliasCreated"/>.</typeparam>
    /// <param name="payload">The payload, when it is a <typeparamref name="T"/>.</param>
    /// <returns>True when the payload is a <typeparamref name="T"/>.</returns>
    public bool TryGetPayload<T>([NotNullWhen(true)] out T? payload)
        where T : WebhookPayload
    {
        payload = Payload as T;
        return payload is not null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{EventName} delivery {DeliveryId} at {Timestamp:O}";
}
