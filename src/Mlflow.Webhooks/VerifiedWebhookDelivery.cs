using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Mlflow.Webhooks;

/// <summary>A webhook delivery whose signature, timestamp, envelope and payload were verified.</summary>
public sealed class VerifiedWebhookDelivery
{
    internal VerifiedWebhookDelivery(
        string deliveryId,
        DateTimeOffset timestamp,
        string entity,
        string action,
        DateTimeOffset eventTimestamp,
        string? workspace,
        JsonElement data,
        object? payload,
        ReadOnlyMemory<byte> rawBody)
    {
        DeliveryId = deliveryId;
        Timestamp = timestamp;
        Entity = entity;
        Action = action;
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

    /// <summary>The envelope's <c>entity</c> wire name (<c>model_version</c>, <c>prompt</c>, <c>budget_policy</c>...).</summary>
    public string Entity { get; }

    /// <summary>The envelope's <c>action</c> wire name (<c>created</c>, <c>set</c>, <c>deleted</c>, <c>exceeded</c>).</summary>
    public string Action { get; }

    /// <summary>The event as <c>entity.action</c> (<c>model_version.created</c>).</summary>
    public string EventName => Entity + "." + Action;

    /// <summary>The envelope's <c>timestamp</c>: when MLflow built the payload (microsecond precision).</summary>
    public DateTimeOffset EventTimestamp { get; }

    /// <summary>The envelope's <c>workspace</c>; null when the server does not run with workspaces.</summary>
    public string? Workspace { get; }

    /// <summary>The envelope's <c>data</c> object, detached from the body (safe to keep).</summary>
    public JsonElement Data { get; }

    /// <summary>The typed payload produced by the configured <see cref="IWebhookPayloadReader"/>; null with <see cref="DefaultWebhookPayloadReader"/>.</summary>
    public object? Payload { get; }

    /// <summary>The exact body bytes that were signed.</summary>
    public ReadOnlyMemory<byte> RawBody { get; }

    /// <summary>Gets <see cref="Payload"/> as <typeparamref name="T"/> when it is one.</summary>
    /// <typeparam name="T">The expected payload type (a <c>WebhookPayload</c> case).</typeparam>
    /// <param name="payload">The payload, when it is a <typeparamref name="T"/>.</param>
    /// <returns>True when the payload is a <typeparamref name="T"/>.</returns>
    public bool TryGetPayload<T>([NotNullWhen(true)] out T? payload)
        where T : class
    {
        payload = Payload as T;
        return payload is not null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{EventName} delivery {DeliveryId} at {Timestamp:O}";
}
