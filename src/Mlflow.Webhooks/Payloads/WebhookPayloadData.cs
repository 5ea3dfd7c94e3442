using System.Collections.ObjectModel;
using System.Text;
using System.Text.Json;

namespace Mlflow.Webhooks;

/// <summary>
/// The base of every webhook payload type (the <c>data</c> of a delivery; one generated type per event). Fields the
/// spec does not declare, which a newer MLflow may send, are kept in <see cref="AdditionalData"/> and written back.
/// </summary>
public abstract class WebhookPayloadData
{
    private static readonly IReadOnlyDictionary<string, JsonElement> None = ReadOnlyDictionary<string, JsonElement>.Empty;

    private protected WebhookPayloadData()
    {
    }

    /// <summary>The fields of the delivery's <c>data</c> that this payload type does not declare, as their JSON values.</summary>
    public IReadOnlyDictionary<string, JsonElement> AdditionalData { get; init; } = None;

    /// <summary>Writes the payload as a JSON object: the declared fields, then <see cref="AdditionalData"/>.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteFields(writer);
        foreach (var (name, value) in AdditionalData)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    /// <summary>The payload as JSON text (see <see cref="WriteTo"/>).</summary>
    /// <returns>The JSON object.</returns>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the declared fields (generated per payload type).</summary>
    private protected abstract void WriteFields(Utf8JsonWriter writer);
}
