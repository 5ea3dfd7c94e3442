using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Mlflow.Webhooks;

/// <summary>
/// The payload reader used until the generated <c>WebhookPayload</c> union provides one: it knows the 15 events of
/// MLflow 3.11 (<c>mlflow/webhooks/types.py</c>) and checks that <c>data</c> carries each field of the event with the
/// right JSON kind (extra fields are allowed, for newer servers). It does not type the payload:
/// <see cref="VerifiedWebhookDelivery.Payload"/> stays null and the data is read through <see cref="VerifiedWebhookDelivery.Data"/>.
/// </summary>
/// <remarks>This is the only place that lists the events; the generated union replaces it as a whole.</remarks>
public sealed class DefaultWebhookPayloadReader : IWebhookPayloadReader
{
    /// <summary>The shared instance.</summary>
    public static DefaultWebhookPayloadReader Instance { get; } = new();

    private enum Kind { String, NullableString, StringMap, Number, Integer }

    private static readonly (string Name, Kind Kind)[] NameVersionKey = [("name", Kind.String), ("version", Kind.String), ("key", Kind.String)];

    private static readonly FrozenDictionary<string, (string Name, Kind Kind)[]> Events = new Dictionary<string, (string, Kind)[]>
    {
        ["registered_model.created"] = [("name", Kind.String), ("tags", Kind.StringMap), ("description", Kind.NullableString)],
        ["model_version.created"] = [("name", Kind.String), ("version", Kind.String), ("source", Kind.String), ("run_id", Kind.NullableString), ("tags", Kind.StringMap), ("description", Kind.NullableString)],
        ["model_version_tag.set"] = [.. NameVersionKey, ("value", Kind.String)],
        ["model_version_tag.deleted"] = NameVersionKey,
        ["model_version_alias.created"] = [("name", Kind.String), ("alias", Kind.String), ("version", Kind.String)],
        ["model_version_alias.deleted"] = [("name", Kind.String), ("alias", Kind.String)],
        ["prompt.created"] = [("name", Kind.String), ("tags", Kind.StringMap), ("description", Kind.NullableString)],
        ["prompt_version.created"] = [("name", Kind.String), ("version", Kind.String), ("template", Kind.String), ("tags", Kind.StringMap), ("description", Kind.NullableString)],
        ["prompt_tag.set"] = [("name", Kind.String), ("key", Kind.String), ("value", Kind.String)],
        ["prompt_tag.deleted"] = [("name", Kind.String), ("key", Kind.String)],
        ["prompt_version_tag.set"] = [.. NameVersionKey, ("value", Kind.String)],
        ["prompt_version_tag.deleted"] = NameVersionKey,
        ["prompt_alias.created"] = [("name", Kind.String), ("alias", Kind.String), ("version", Kind.String)],
        ["prompt_alias.deleted"] = [("name", Kind.String), ("alias", Kind.String)],
        ["budget_policy.exceeded"] = [("budget_policy_id", Kind.String), ("budget_unit", Kind.String), ("budget_amount", Kind.Number), ("current_spend", Kind.Number), ("duration_unit", Kind.String), ("duration_value", Kind.Integer), ("target_scope", Kind.String), ("workspace", Kind.NullableString), ("window_start", Kind.Integer)],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The known events as <c>entity.action</c> wire names.</summary>
    public static IReadOnlyCollection<string> KnownEvents => Events.Keys;

    /// <inheritdoc />
    public bool IsKnownEvent(string entity, string action) => Events.ContainsKey(entity + "." + action);

    /// <inheritdoc />
    public bool TryRead(string entity, string action, JsonElement data, out object? payload, [NotNullWhen(false)] out string? error)
    {
        payload = null;
        if (!Events.TryGetValue(entity + "." + action, out var fields))
        {
            error = "unknown event";
            return false;
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            error = "data is not a JSON object";
            return false;
        }

        foreach (var (name, kind) in fields)
        {
            if (!data.TryGetProperty(name, out var value))
            {
                error = $"data lacks the field '{name}'";
                return false;
            }

            if (!Matches(value, kind))
            {
                error = $"data field '{name}' is not {Describe(kind)}";
                return false;
            }
        }

        error = null;
        return true;
    }

    private static bool Matches(JsonElement value, Kind kind) => kind switch
    {
        Kind.String => value.ValueKind == JsonValueKind.String,
        Kind.NullableString => value.ValueKind is JsonValueKind.String or JsonValueKind.Null,
        Kind.Number => value.ValueKind == JsonValueKind.Number,
        Kind.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        Kind.StringMap => IsStringMap(value),
        _ => false,
    };

    private static bool IsStringMap(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(Kind kind) => kind switch
    {
        Kind.String => "a string",
        Kind.NullableString => "a string or null",
        Kind.Number => "a number",
        Kind.Integer => "an integer",
        Kind.StringMap => "an object of strings",
        _ => "valid",
    };
}
