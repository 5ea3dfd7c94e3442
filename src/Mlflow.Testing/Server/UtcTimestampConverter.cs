using System.Text.Json.Serialization;

namespace Mlflow.Testing.Server;

/// <summary>
/// <c>google.protobuf.Timestamp</c> as MLflow writes it: UTC, milliseconds, a <c>Z</c> suffix
/// (<c>2026-11-22T22:36:31.973Z</c>); any RFC 3339 text is read.
/// </summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
