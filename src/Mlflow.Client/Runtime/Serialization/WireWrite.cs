using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;

namespace Mlflow.Client.Serialization;

/// <summary>Writers used by the generated models for values Kiota's JSON writer cannot write as MLflow expects.</summary>
internal static class WireWrite
{
    /// <summary>The wire text of a double that JSON numbers cannot carry.</summary>
    public static string? NonFinite(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "Infinity" : double.IsNegativeInfinity(value) ? "-Infinity" : null;

    /// <summary>Writes a double; NaN and infinities are written as the strings MLflow accepts (JSON numbers cannot carry them).</summary>
    public static void Double(ISerializationWriter writer, string key, double? value)
    {
        if (value is double d)
        {
            if (NonFinite(d) is string text)
            {
                writer.WriteStringValue(key, text);
            }
            else if (Json(writer) is Utf8JsonWriter json)
            {
                Name(json, key);
                json.WriteNumberValue(d);
            }
            else
            {
                writer.WriteDoubleValue(key, d);
            }
        }
    }

    /// <summary>Writes a string (as Kiota's JSON writer does, straight to its Utf8JsonWriter: same escaping).</summary>
    public static void String(ISerializationWriter writer, string key, string? value)
    {
        if (value != null)
        {
            if (Json(writer) is Utf8JsonWriter json)
            {
                Name(json, key);
                json.WriteStringValue(value);
            }
            else
            {
                writer.WriteStringValue(key, value);
            }
        }
    }

    /// <summary>Writes an int64 (as Kiota's JSON writer does, without boxing the value).</summary>
    public static void Int64(ISerializationWriter writer, string key, long? value)
    {
        if (value is long l)
        {
            if (Json(writer) is Utf8JsonWriter json)
            {
                Name(json, key);
                json.WriteNumberValue(l);
            }
            else
            {
                writer.WriteLongValue(key, l);
            }
        }
    }

    /// <summary>Writes an int32 (as Kiota's JSON writer does, without boxing the value).</summary>
    public static void Int32(ISerializationWriter writer, string key, int? value)
    {
        if (value is int i)
        {
            if (Json(writer) is Utf8JsonWriter json)
            {
                Name(json, key);
                json.WriteNumberValue(i);
            }
            else
            {
                writer.WriteIntValue(key, i);
            }
        }
    }

    /// <summary>Writes a boolean (as Kiota's JSON writer does, without boxing the value).</summary>
    public static void Boolean(ISerializationWriter writer, string key, bool? value)
    {
        if (value is bool b)
        {
            if (Json(writer) is Utf8JsonWriter json)
            {
                Name(json, key);
                json.WriteBooleanValue(b);
            }
            else
            {
                writer.WriteBoolValue(key, b);
            }
        }
    }

    /// <summary>Writes a nested message (as Kiota's WriteObjectValue does, without its per-call allocations).</summary>
    public static void Object<T>(ISerializationWriter writer, string key, T? value)
        where T : class, IParsable
    {
        if (value == null)
        {
            return;
        }

        if (PlainJson(writer) is JsonSerializationWriter json && IsPlainModel(value))
        {
            Name(json.writer, key);
            json.writer.WriteStartObject();
            value.Serialize(json);
            json.writer.WriteEndObject();
        }
        else
        {
            writer.WriteObjectValue<T>(key, value);
        }
    }

    /// <summary>Writes an array of messages (as Kiota's WriteCollectionOfObjectValues does, without its per-item allocations).</summary>
    public static void Objects<T>(ISerializationWriter writer, string key, List<T>? values)
        where T : class, IParsable
    {
        if (values == null)
        {
            return;
        }

        if (!(PlainJson(writer) is JsonSerializationWriter json))
        {
            writer.WriteCollectionOfObjectValues<T>(key, values);
            return;
        }

        Name(json.writer, key);
        json.writer.WriteStartArray();
        foreach (var item in values)
        {
            if (item == null)
            {
                continue; // Kiota writes nothing for a null item
            }

            if (IsPlainModel(item))
            {
                json.writer.WriteStartObject();
                item.Serialize(json);
                json.writer.WriteEndObject();
            }
            else
            {
                json.WriteObjectValue<T>(null, item);
            }
        }

        json.writer.WriteEndArray();
    }

    // Kiota's own JSON writer (not a subclass, which may re-implement the interface): its Utf8JsonWriter is public,
    // and writing numbers through it gives the bytes Kiota writes (its serializer context uses strict number
    // handling and the writer's own encoder) without boxing each value.
    private static Utf8JsonWriter? Json(ISerializationWriter writer) =>
        writer.GetType() == typeof(JsonSerializationWriter)
            ? ((JsonSerializationWriter)writer).writer
            : null;

    // ... and without serialization hooks (a backing store sets them), so that writing an object is only
    // start object, Serialize, end object.
    private static JsonSerializationWriter? PlainJson(ISerializationWriter writer) =>
        writer.GetType() == typeof(JsonSerializationWriter)
        && writer.OnBeforeObjectSerialization == null && writer.OnStartObjectSerialization == null && writer.OnAfterObjectSerialization == null
            ? (JsonSerializationWriter)writer
            : null;

    // As Kiota: no property name for a null or empty key.
    private static void Name(Utf8JsonWriter json, string key)
    {
        if (!string.IsNullOrEmpty(key))
        {
            json.WritePropertyName(key);
        }
    }

    private static bool IsPlainModel(IParsable value) =>
        !(value is UntypedNode) && !(value is IComposedTypeWrapper);

    /// <summary>Writes a timestamp as RFC 3339 in UTC with a 'Z' suffix (the form protobuf's JSON mapping emits).</summary>
    public static void DateTime(ISerializationWriter writer, string key, DateTimeOffset? value)
    {
        if (value is DateTimeOffset d)
        {
            writer.WriteStringValue(key, FormatDateTime(d));
        }
    }

    public static string FormatDateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Writes a list of primitives converted to untyped JSON values.</summary>
    public static void List<T>(ISerializationWriter writer, string key, IEnumerable<T>? values, Func<T, UntypedNode> convert)
    {
        if (values == null)
        {
            return;
        }

        var items = new List<UntypedNode>();
        foreach (var v in values)
        {
            items.Add(convert(v));
        }

        writer.WriteObjectValue(key, new UntypedArray(items));
    }

    /// <summary>Writes a map; each value is written by <paramref name="write"/>.</summary>
    public static void Map<T>(ISerializationWriter writer, string key, IDictionary<string, T>? values, Action<ISerializationWriter, string, T> write)
    {
        if (values != null)
        {
            writer.WriteObjectValue(key, new MapWriter<T>(values, write));
        }
    }

    // ---- value -> untyped JSON (for lists and maps)

    public static UntypedNode Untyped(string value) => new UntypedString(value);

    public static UntypedNode Untyped(bool value) => new UntypedBoolean(value);

    public static UntypedNode Untyped(int value) => new UntypedInteger(value);

    public static UntypedNode Untyped(long value) => new UntypedLong(value);

    public static UntypedNode Untyped(double value) =>
        NonFinite(value) is string text
            ? new UntypedString(text)
            : new UntypedDouble(value);

    public static UntypedNode Untyped(DateTimeOffset value) => new UntypedString(FormatDateTime(value));

    public static UntypedNode Untyped(byte[] value) => new UntypedString(Convert.ToBase64String(value));

    public static UntypedNode Untyped(UntypedNode value) => value;

    private sealed class MapWriter<T> : IParsable
    {
        private readonly IDictionary<string, T> _values;
        private readonly Action<ISerializationWriter, string, T> _write;

        public MapWriter(IDictionary<string, T> values, Action<ISerializationWriter, string, T> write)
        {
            _values = values;
            _write = write;
        }

        public IDictionary<string, Action<IParseNode>> GetFieldDeserializers() =>
            new Dictionary<string, Action<IParseNode>>();

        public void Serialize(ISerializationWriter writer)
        {
            foreach (var entry in _values)
            {
                _write(writer, entry.Key, entry.Value);
            }
        }
    }
}
