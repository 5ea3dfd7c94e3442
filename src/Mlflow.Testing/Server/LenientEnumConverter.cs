using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Mlflow.Testing.Server;

/// <summary>
/// Optional enum fields as MLflow's proto parser reads them: a known name (or number) is taken, an unknown one is
/// dropped silently (the field stays unset) instead of failing the request. Required enum fields keep the strict
/// generated converter.
/// </summary>
internal sealed class LenientEnumConverter<T> : JsonConverter<T?>
    where T : struct, Enum
{
    public override bool HandleNull => true;

    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                var text = reader.GetString();
                return text is not null && !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) && Enum.TryParse<T>(text, ignoreCase: false, out var named) && Enum.IsDefined(named)
                    ? named
                    : null;
            case JsonTokenType.Number when reader.TryGetInt32(out var number) && Enum.IsDefined(typeof(T), number):
                return (T)Enum.ToObject(typeof(T), number);
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                reader.Skip();
                return null;
            default:
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, T? value, JsonSerializerOptions options)
    {
        if (value is { } v) writer.WriteStringValue(v.ToString());
        else writer.WriteNullValue();
    }

    /// <summary>Type-info modifier: every <c>Nullable&lt;enum&gt;</c> property gets this converter.</summary>
    public static void Apply(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (Nullable.GetUnderlyingType(property.PropertyType) is { IsEnum: true } enumType)
            {
                property.CustomConverter = (JsonConverter)Activator.CreateInstance(typeof(LenientEnumConverter<>).MakeGenericType(enumType))!;
            }
        }
    }
}
