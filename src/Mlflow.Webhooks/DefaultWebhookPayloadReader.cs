using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Mlflow.Webhooks;

/// <summary>
/// The default payload reader, built on the <see cref="WebhookEvent"/> / <see cref="WebhookPayload"/> union that
/// Mlflow.Client generates from the spec (the one list of events): an event is known when
/// <see cref="WebhookEvent.IsKnown"/>, and <c>data</c> matches it when <see cref="WebhookPayload.TryParse(string, string, JsonElement, out WebhookPayload?, out string?)"/>
/// reads it (every required field present) and no declared field had to be kept untyped because its value does not
/// fit the field's type (a number for a string, an unknown enum value, a fraction for an integer, a map of non-strings).
/// Extra fields are allowed, for newer servers; they stay in the model's <c>AdditionalData</c> and in
/// <see cref="VerifiedWebhookDelivery.Data"/>.
/// </summary>
public sealed class DefaultWebhookPayloadReader : IWebhookPayloadReader
{
    /// <summary>The shared instance.</summary>
    public static DefaultWebhookPayloadReader Instance { get; } = new();

    /// <inheritdoc />
    public bool IsKnownEvent(string entity, string action) => new WebhookEvent(entity, action).IsKnown;

    /// <inheritdoc />
    public bool TryRead(string entity, string action, JsonElement data, [NotNullWhen(true)] out WebhookPayload? payload, [NotNullWhen(false)] out string? error)
    {
        payload = null;
        WebhookPayload? parsed;
        try
        {
            if (!WebhookPayload.TryParse(entity, action, data, out parsed, out error))
            {
                return false;
            }

            if (MistypedField(parsed.DataModel) is { } field)
            {
                error = $"data field '{field}' does not have the type of the {entity}.{action} payload";
                return false;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // TryParse is documented not to throw; this keeps Verify's never-throws promise if that ever changes.
            error = $"data could not be read ({e.GetType().Name})";
            return false;
        }

        payload = parsed;
        return true;
    }

    /// <summary>
    /// The generated models keep a declared field whose value does not fit its type in <c>AdditionalData</c> under
    /// its wire name (rather than dropping it); such a key is a type mismatch. JSON nulls are not: the generated
    /// models do not say which fields are nullable, and the spec's nullable fields (<c>description</c>, ...) are sent as null.
    /// </summary>
    private static string? MistypedField(IParsable model)
    {
        if (model is not IAdditionalDataHolder { AdditionalData.Count: > 0 } holder)
        {
            return null;
        }

        // Enumerate the declared keys: the generated dictionary answers ContainsKey true for any key (its fallback).
        var declared = new HashSet<string>(model.GetFieldDeserializers().Keys, StringComparer.Ordinal);
        foreach (var (key, value) in holder.AdditionalData)
        {
            if (value is not UntypedNull && declared.Contains(key))
            {
                return key;
            }
        }

        return null;
    }
}
