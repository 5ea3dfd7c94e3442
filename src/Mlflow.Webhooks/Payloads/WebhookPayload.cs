using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mlflow.Webhooks;

/// <summary>
/// A webhook delivery, typed by its event: one sealed case per event of the spec, each holding the event's payload
/// type in <c>Data</c>, plus the envelope's <see cref="Timestamp"/> and <see cref="Workspace"/>.
/// <see cref="Match{TResult}"/> and <see cref="Switch"/> take one handler per case, so a new event in the spec breaks
/// every call that does not handle it at compile time. The cases, <c>Match</c>, <c>Switch</c>, <c>TypeFor</c>,
/// <c>ExampleFor</c> and the per-event reading are generated from the spec; the envelope handling is written here.
/// </summary>
public abstract partial record WebhookPayload
{
    private WebhookPayload()
    {
    }

    /// <summary>The event of this case.</summary>
    public abstract WebhookEvent Event { get; }

    /// <summary>The payload (the delivery's <c>data</c>) as its type.</summary>
    public abstract WebhookPayloadData DataModel { get; }

    /// <summary>When the event happened (the envelope's <c>timestamp</c>).</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The workspace of the event, when the server runs with workspaces (the envelope's optional <c>workspace</c>).</summary>
    public string? Workspace { get; init; }

    /// <summary>The payload type of an event given by its wire names, or null when unknown.</summary>
    /// <param name="entity">The wire entity.</param>
    /// <param name="action">The wire action.</param>
    /// <returns>The payload type, or null.</returns>
    public static Type? TypeFor(string entity, string action) => TypeFor(new WebhookEvent(entity, action));

    /// <summary>The example payload of an event given by its wire names.</summary>
    /// <param name="entity">The wire entity.</param>
    /// <param name="action">The wire action.</param>
    /// <returns>The example.</returns>
    /// <exception cref="ArgumentException">The event is unknown; the message names it.</exception>
    public static WebhookPayload ExampleFor(string entity, string action) => ExampleFor(new WebhookEvent(entity, action));

    /// <summary>Reads a whole delivery body (<c>entity</c>, <c>action</c>, <c>timestamp</c>, <c>data</c>, optional <c>workspace</c>). Never throws for bad input.</summary>
    /// <param name="deliveryBody">The JSON body MLflow posted.</param>
    /// <param name="payload">The case, or null.</param>
    /// <param name="error">Why the body was not read, or null.</param>
    /// <returns>True when the body was read.</returns>
    public static bool TryParse(string deliveryBody, [NotNullWhen(true)] out WebhookPayload? payload, [NotNullWhen(false)] out string? error)
    {
        payload = null;
        if (deliveryBody is null)
        {
            error = "the body is null";
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(deliveryBody);
        }
        catch (JsonException)
        {
            error = "the body is not valid JSON";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the body is not a JSON object";
                return false;
            }

            if (!root.TryGetProperty("entity", out var entity) || entity.ValueKind != JsonValueKind.String || !root.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.String)
            {
                error = "the envelope needs string fields 'entity' and 'action'";
                return false;
            }

            if (!root.TryGetProperty("timestamp", out var timestamp) || timestamp.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(timestamp.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                error = "the envelope needs an ISO 8601 'timestamp'";
                return false;
            }

            if (!root.TryGetProperty("data", out var data))
            {
                error = "the envelope has no 'data'";
                return false;
            }

            string? workspace = null;
            if (root.TryGetProperty("workspace", out var ws) && ws.ValueKind != JsonValueKind.Null)
            {
                if (ws.ValueKind != JsonValueKind.String)
                {
                    error = "the envelope's 'workspace' is not a string";
                    return false;
                }

                workspace = ws.GetString();
            }

            if (!TryParse(entity.GetString()!, action.GetString()!, data, out var read, out error))
            {
                return false;
            }

            payload = read with { Timestamp = when, Workspace = workspace };
            return true;
        }
    }

    /// <summary>Reads a whole delivery body.</summary>
    /// <param name="deliveryBody">The JSON body MLflow posted.</param>
    /// <returns>The case of the delivery's event.</returns>
    /// <exception cref="FormatException">The body is not a delivery of a known event; the message says why.</exception>
    public static WebhookPayload Parse(string deliveryBody) =>
        TryParse(deliveryBody, out var payload, out var error) ? payload : throw new FormatException("Not a webhook delivery: " + error + ".");

    /// <summary>Writes the delivery envelope (<c>entity</c>, <c>action</c>, <c>timestamp</c>, <c>data</c>, <c>workspace</c> when set) as JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("entity", Event.Entity);
            writer.WriteString("action", Event.Action);
            writer.WriteString("timestamp", Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture));
            writer.WritePropertyName("data");
            DataModel.WriteTo(writer);
            if (Workspace != null)
            {
                writer.WriteString("workspace", Workspace);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The checks every event's reading starts with.</summary>
    private static bool CanRead(string entity, string action, JsonElement data, [NotNullWhen(false)] out string? error)
    {
        if (entity is null || action is null)
        {
            error = "entity and action are required";
            return false;
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            error = "data is not a JSON object";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>The error of a read that threw (text that is not valid UTF-16, such as a field name with a lone surrogate).</summary>
    private static string ReadFailed(string entity, string action, Exception exception) =>
        "data does not match the payload of '" + entity + "." + action + "' (" + exception.GetType().Name + ")";

    private InvalidOperationException UnknownCase() => new("Unknown case " + GetType().Name + ".");

    private static ArgumentException NoExample(WebhookEvent webhookEvent) =>
        new("The webhook event '" + webhookEvent + "' has no example payload in the spec.", nameof(webhookEvent));

    private static ArgumentException UnknownEvent(WebhookEvent webhookEvent) =>
        new("Unknown webhook event '" + webhookEvent + "'; known events: " + string.Join(", ", WebhookEvent.All) + ".", nameof(webhookEvent));
}
