using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mlflow.Webhooks;

/// <summary>
/// Signs deliveries the way MLflow does (for tests of a receiver, and for servers that send MLflow-compatible
/// deliveries): <c>v1,</c> + base64(HMAC-SHA256(secret, "{delivery_id}.{timestamp}.{body}")). With several secrets
/// the header carries one space-separated <c>v1,</c> entry per secret, which <see cref="WebhookVerifier"/> accepts
/// (MLflow itself always sends exactly one).
/// </summary>
public sealed class WebhookSigner
{
    private readonly byte[][] _keys;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a signer for one secret.</summary>
    /// <param name="secret">The webhook secret.</param>
    /// <param name="timeProvider">The clock for timestamps; default <see cref="TimeProvider.System"/>.</param>
    public WebhookSigner(string secret, TimeProvider? timeProvider = null)
        : this([secret], timeProvider)
    {
    }

    /// <summary>Creates a signer that signs with every secret given (one signature entry each).</summary>
    /// <param name="secrets">The secrets, at least one, none empty.</param>
    /// <param name="timeProvider">The clock for timestamps; default <see cref="TimeProvider.System"/>.</param>
    public WebhookSigner(IEnumerable<string> secrets, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var list = secrets.ToList();
        if (list.Count == 0 || list.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("At least one secret is required, and secrets must not be empty.", nameof(secrets));
        }

        _keys = list.Select(Encoding.UTF8.GetBytes).ToArray();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Computes the <see cref="WebhookHeaders.Signature"/> value for the given header values and body.</summary>
    /// <param name="deliveryId">The delivery id header value.</param>
    /// <param name="timestamp">The timestamp header value (Unix seconds as text).</param>
    /// <param name="body">The exact body bytes.</param>
    /// <returns><c>v1,&lt;base64&gt;</c>, or several such entries separated by spaces.</returns>
    public string ComputeSignature(string deliveryId, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(deliveryId);
        ArgumentNullException.ThrowIfNull(timestamp);
        Span<byte> digest = stackalloc byte[WebhookSignature.DigestLength];
        var entries = new string[_keys.Length];
        for (var i = 0; i < _keys.Length; i++)
        {
            WebhookSignature.ComputeDigest(_keys[i], deliveryId, timestamp, body, digest);
            entries[i] = WebhookSignature.Format(digest);
        }

        return string.Join(' ', entries);
    }

    /// <summary>Signs a body as it is.</summary>
    /// <param name="body">The exact body bytes to send.</param>
    /// <param name="deliveryId">The delivery id; default a new UUID (as MLflow does).</param>
    /// <param name="timestamp">The signing time; default now, from the signer's clock.</param>
    /// <returns>The headers and body to send.</returns>
    public SignedWebhookDelivery Sign(ReadOnlySpan<byte> body, string? deliveryId = null, DateTimeOffset? timestamp = null)
    {
        var id = deliveryId ?? Guid.NewGuid().ToString("D");
        var seconds = (timestamp ?? _timeProvider.GetUtcNow()).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new SignedWebhookDelivery(id, seconds, ComputeSignature(id, seconds, body), body.ToArray());
    }

    /// <summary>Builds the delivery envelope for an event (byte for byte as MLflow would) and signs it.</summary>
    /// <param name="entity">The entity wire name, e.g. <c>model_version</c>.</param>
    /// <param name="action">The action wire name, e.g. <c>created</c>.</param>
    /// <param name="data">The payload object.</param>
    /// <param name="workspace">The workspace, for servers that run with workspaces; omitted when null.</param>
    /// <param name="deliveryId">The delivery id; default a new UUID.</param>
    /// <param name="timestamp">The event and signing time; default now, from the signer's clock.</param>
    /// <returns>The headers and body to send.</returns>
    public SignedWebhookDelivery CreateDelivery(string entity, string action, JsonElement data, string? workspace = null,
        string? deliveryId = null, DateTimeOffset? timestamp = null)
    {
        var now = timestamp ?? _timeProvider.GetUtcNow();
        return Sign(CreateEnvelope(entity, action, data, now, workspace), deliveryId, now);
    }

    /// <summary>
    /// Serializes a delivery envelope <c>{"entity", "action", "timestamp", "data", "workspace"?}</c> as MLflow does
    /// (Python <c>json.dumps</c> defaults: <c>", "</c> / <c>": "</c> separators, ASCII escaping; the timestamp in
    /// Python's <c>isoformat()</c> with <c>+00:00</c>).
    /// </summary>
    /// <param name="entity">The entity wire name.</param>
    /// <param name="action">The action wire name.</param>
    /// <param name="data">The payload; any JSON value (MLflow always sends an object).</param>
    /// <param name="eventTimestamp">The event time.</param>
    /// <param name="workspace">The workspace, omitted when null.</param>
    /// <returns>The UTF-8 (ASCII) body.</returns>
    public static byte[] CreateEnvelope(string entity, string action, JsonElement data, DateTimeOffset eventTimestamp, string? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(action);
        var json = new StringBuilder(256);
        json.Append("{\"entity\": ");
        PythonJson.WriteString(json, entity);
        json.Append(", \"action\": ");
        PythonJson.WriteString(json, action);
        json.Append(", \"timestamp\": ");
        PythonJson.WriteString(json, FormatIsoTimestamp(eventTimestamp));
        json.Append(", \"data\": ");
        PythonJson.WriteValue(json, data);
        if (workspace is not null)
        {
            json.Append(", \"workspace\": ");
            PythonJson.WriteString(json, workspace);
        }

        json.Append('}');
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>Writes a JSON value as Python's <c>json.dumps</c> would with its default settings.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The JSON text (ASCII only).</returns>
    public static string ToPythonJson(JsonElement value)
    {
        var json = new StringBuilder();
        PythonJson.WriteValue(json, value);
        return json.ToString();
    }

    /// <summary>Formats a time as Python's <c>datetime.isoformat()</c> of an aware UTC datetime (microseconds omitted when zero).</summary>
    /// <param name="value">The time.</param>
    /// <returns>For example <c>2025-07-31T08:27:32.080217+00:00</c>.</returns>
    public static string FormatIsoTimestamp(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var text = utc.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);
        var microseconds = utc.Ticks % TimeSpan.TicksPerSecond / 10;
        return microseconds == 0
            ? text + "+00:00"
            : text + "." + microseconds.ToString("D6", CultureInfo.InvariantCulture) + "+00:00";
    }
}
