using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;

namespace Mlflow.Client.Serialization;

/// <summary>
/// An <see cref="IParseNode"/> over a <see cref="JsonElement"/> that answers exactly as Kiota's <c>JsonParseNode</c>
/// (same null, kind and exception behaviour, same field-deserializer and additional-data rules, same untyped values),
/// but reads primitives straight from the element, reuses one child node per object or array walk and shares
/// property-name strings. Rare value types (dates, GUIDs, enums, bytes, primitive collections) are answered by Kiota's own node.
/// Field deserializers must use the node they are given before returning (Kiota's readers and the generated
/// models do).
/// </summary>
internal sealed class MlflowJsonParseNode : IParseNode, IJsonKindNode
{
    private JsonElement element;
    private JsonDocument? owned;

    /// <summary>A node over <paramref name="element"/>; when <paramref name="owned"/> is set, the node returns it to the pool after reading the root object.</summary>
    public MlflowJsonParseNode(JsonElement element, JsonDocument? owned = null)
    {
        this.element = element;
        this.owned = owned;
    }

    /// <inheritdoc />
    public JsonValueKind ValueKind => element.ValueKind;

    /// <inheritdoc />
    public int ArrayLength => element.ValueKind == JsonValueKind.Array ? element.GetArrayLength() : 0;

    /// <inheritdoc />
    public bool ArrayHoldsOnlyObjects
    {
        get
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <inheritdoc />
    public Action<IParsable>? OnBeforeAssignFieldValues { get; set; }

    /// <inheritdoc />
    public Action<IParsable>? OnAfterAssignFieldValues { get; set; }

    /// <inheritdoc />
    public string? GetStringValue() => element.ValueKind == JsonValueKind.String ? Text(element) : null;

    /// <inheritdoc />
    public bool? GetBoolValue() => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <inheritdoc />
    public byte? GetByteValue() => element.ValueKind != JsonValueKind.Number ? null : element.TryGetByte(out var v) ? v : Kiota().GetByteValue();

    /// <inheritdoc />
    public sbyte? GetSbyteValue() => element.ValueKind != JsonValueKind.Number ? null : element.TryGetSByte(out var v) ? v : Kiota().GetSbyteValue();

    /// <inheritdoc />
    public int? GetIntValue() => element.ValueKind != JsonValueKind.Number ? null : element.TryGetInt32(out var v) ? v : Kiota().GetIntValue();

    /// <inheritdoc />
    public long? GetLongValue() => element.ValueKind != JsonValueKind.Number ? null : element.TryGetInt64(out var v) ? v : Kiota().GetLongValue();

    /// <inheritdoc />
    public float? GetFloatValue() => element.ValueKind != JsonValueKind.Number ? null : element.TryGetSingle(out var v) ? (float.IsFinite(v) ? v : null) : Kiota().GetFloatValue();

    /// <inheritdoc />
    // A number token beyond double range (1e309) is not a double: reading it as +Infinity would make a value that no JSON
    // writer can write back. It is kept as its text instead (see Untyped).
    public double? GetDoubleValue() => element.ValueKind != JsonValueKind.Number ? null : element.TryGetDouble(out var v) ? (double.IsFinite(v) ? v : null) : Kiota().GetDoubleValue();

    /// <inheritdoc />
    // decimal holds 28 digits: 4.9e-324 "fits" as 0. Such a number is not a decimal (its double is kept instead).
    public decimal? GetDecimalValue() => element.ValueKind != JsonValueKind.Number ? null : element.TryGetDecimal(out var v) ? (ExactDecimal(element, v) ? v : null) : Kiota().GetDecimalValue();

    private static bool ExactDecimal(JsonElement value, decimal m) => !value.TryGetDouble(out var d) || (double)m == d;

    /// <inheritdoc />
    public Guid? GetGuidValue() => Kiota().GetGuidValue();

    /// <inheritdoc />
    public DateTimeOffset? GetDateTimeOffsetValue() => Kiota().GetDateTimeOffsetValue();

    /// <inheritdoc />
    public TimeSpan? GetTimeSpanValue() => Kiota().GetTimeSpanValue();

    /// <inheritdoc />
    public Date? GetDateValue() => Kiota().GetDateValue();

    /// <inheritdoc />
    public Time? GetTimeValue() => Kiota().GetTimeValue();

    /// <inheritdoc />
    public byte[]? GetByteArrayValue() => Kiota().GetByteArrayValue();

    /// <inheritdoc />
    public T? GetEnumValue<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] T>()
        where T : struct, Enum => Kiota().GetEnumValue<T>();

    /// <inheritdoc />
    public IEnumerable<T?> GetCollectionOfEnumValues<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] T>()
        where T : struct, Enum => Kiota().GetCollectionOfEnumValues<T>();

    /// <inheritdoc />
    public IEnumerable<T> GetCollectionOfPrimitiveValues<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] T>() =>
        Kiota().GetCollectionOfPrimitiveValues<T>();

    /// <inheritdoc />
    public IEnumerable<T> GetCollectionOfObjectValues<T>(ParsableFactory<T> factory)
        where T : IParsable => ObjectValues(element, factory);

    /// <inheritdoc />
    public T GetObjectValue<T>(ParsableFactory<T> factory)
        where T : IParsable
    {
        var document = owned;
        owned = null;
        try
        {
            if (typeof(T) == typeof(UntypedNode))
            {
                return (T)(object)Untyped(element);
            }

            if (document is not null && element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                // The whole answer is a string, number or array where MLflow writes an object: reading it as an empty
                // model would drop it silently.
                var message = $"The server's answer is a JSON {element.ValueKind.ToString().ToLowerInvariant()} where an object ({typeof(T).Name}) was expected.";
                throw new MlflowProtocolException(message, MlflowProtocolException.Details(message, "application/json"), null);
            }

            var item = factory(this);
            OnBeforeAssignFieldValues?.Invoke(item);
            AssignFieldValues(item);
            OnAfterAssignFieldValues?.Invoke(item);
            return item;
        }
        finally
        {
            // Root object read: every value has been copied out of the document.
            document?.Dispose();
        }
    }

    /// <inheritdoc />
    public IParseNode? GetChildNode(string identifier)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(identifier ?? throw new ArgumentNullException(nameof(identifier)), out var child))
        {
            return Child(child);
        }

        return null;
    }

    // System.Text.Json validates escapes only when a string is read: "\ud800" (an unpaired surrogate) is valid JSON
    // text but no .NET string, and reading it throws InvalidOperationException. Such an answer is a protocol error.
    private static string? Text(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException ex) when (value.ValueKind == JsonValueKind.String)
        {
            throw Undecodable(ex);
        }
    }

    private static string Name(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException ex)
        {
            throw Undecodable(ex);
        }
    }

    private static MlflowProtocolException Undecodable(Exception ex)
    {
        var message = $"The server's answer holds text that cannot be decoded: {ex.Message} An MLflow server writes valid UTF-16 escapes; "
            + "a proxy in front of it, or a connection that lost bytes, changed the answer.";
        return new MlflowProtocolException(message, MlflowProtocolException.Details(message, "application/json"), ex);
    }

    private MlflowJsonParseNode Child(JsonElement child) => new(child)
    {
        OnBeforeAssignFieldValues = OnBeforeAssignFieldValues,
        OnAfterAssignFieldValues = OnAfterAssignFieldValues,
    };

    private JsonParseNode Kiota() => new(element, KiotaJsonSerializationContext.Default)
    {
        OnBeforeAssignFieldValues = OnBeforeAssignFieldValues,
        OnAfterAssignFieldValues = OnAfterAssignFieldValues,
    };

    private void AssignFieldValues<T>(T item)
        where T : IParsable
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        IDictionary<string, object>? additionalData = null;
        if (item is IAdditionalDataHolder holder)
        {
            holder.AdditionalData ??= new Dictionary<string, object>();
            additionalData = holder.AdditionalData;
        }

        var fieldDeserializers = item.GetFieldDeserializers();
        MlflowJsonParseNode? child = null;
        foreach (var property in element.EnumerateObject())
        {
            var name = PropertyNames.Of(property);
            if (fieldDeserializers.ContainsKey(name))
            {
                var value = property.Value;
                if (value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                var deserializer = fieldDeserializers[name];
                child ??= Child(value);
                child.element = value;
                deserializer.Invoke(child);
            }
            else if (additionalData != null && !additionalData.ContainsKey(name))
            {
                additionalData.Add(name, Anything(property.Value)!);
            }
        }
    }

    private IEnumerable<T> ObjectValues<T>(JsonElement array, ParsableFactory<T> factory)
        where T : IParsable
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        MlflowJsonParseNode? item = null;
        foreach (var value in array.EnumerateArray())
        {
            item ??= Child(value);
            item.element = value;
            yield return item.GetObjectValue(factory);
        }
    }

    // Kiota's untyped reading (numbers: int, long, decimal, float, double in that order), with arrays materialized.
    private static UntypedNode Untyped(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (value.TryGetInt32(out var i))
                {
                    return new UntypedInteger(i);
                }

                if (value.TryGetInt64(out var l))
                {
                    return new UntypedLong(l);
                }

                if (value.TryGetDecimal(out var m) && ExactDecimal(value, m))
                {
                    return new UntypedDecimal(m);
                }

                if (value.TryGetSingle(out var f) && float.IsFinite(f))
                {
                    return new UntypedFloat(f);
                }

                if (value.TryGetDouble(out var d) && double.IsFinite(d))
                {
                    return new UntypedDouble(d);
                }

                // Beyond double range: kept as the number's text (an infinity could not be written back).
                return new UntypedString(value.GetRawText());
            case JsonValueKind.String:
                return new UntypedString(Text(value));
            case JsonValueKind.True:
                return new UntypedBoolean(true);
            case JsonValueKind.False:
                return new UntypedBoolean(false);
            case JsonValueKind.Array:
                var items = new List<UntypedNode>(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    items.Add(Untyped(item));
                }

                return new UntypedArray(items);
            case JsonValueKind.Object:
                var properties = new Dictionary<string, UntypedNode>();
                foreach (var property in value.EnumerateObject())
                {
                    properties[PropertyNames.Of(property)] = Untyped(property.Value);
                }

                return new UntypedObject(properties);
            default:
                return new UntypedNull();
        }
    }

    // Kiota's additional-data reading for models whose field deserializers do not take every field.
    private static object? Anything(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (value.TryGetDecimal(out var dec) && ExactDecimal(value, dec)) return dec;
                if (value.TryGetDouble(out var db) && double.IsFinite(db)) return db;
                if (value.TryGetInt16(out var s)) return s;
                if (value.TryGetInt32(out var i)) return i;
                if (value.TryGetInt64(out var l)) return l;
                if (value.TryGetSingle(out var f)) return f;
                if (value.TryGetUInt16(out var us)) return us;
                if (value.TryGetUInt32(out var ui)) return ui;
                if (value.TryGetUInt64(out var ul)) return ul;
                return new UntypedString(value.GetRawText());
            case JsonValueKind.String:
                if (value.TryGetDateTime(out var dt)) return dt;
                if (value.TryGetDateTimeOffset(out var dto)) return dto;
                if (value.TryGetGuid(out var g)) return g;
                return Text(value);
            case JsonValueKind.Array:
            case JsonValueKind.Object:
                return Untyped(value);
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return null;
            default:
                throw new InvalidOperationException($"unexpected additional value type during deserialization json kind : {value.ValueKind}");
        }
    }

    /// <summary>Property-name strings shared across reads (names without escapes, up to 64 UTF-8 bytes).</summary>
    private static class PropertyNames
    {
        private const int Size = 1024;
        private static readonly Entry?[] Cache = new Entry?[Size];

        public static string Of(JsonProperty property)
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            if (raw.Length > 64 || raw.IndexOf((byte)'\\') >= 0)
            {
                return Name(property);
            }

            var hash = 2166136261u;
            foreach (var b in raw)
            {
                hash = (hash ^ b) * 16777619u;
            }

            var slot = (int)(hash & (Size - 1));
            var entry = Cache[slot];
            if (entry != null && raw.SequenceEqual(entry.Utf8))
            {
                return entry.Name;
            }

            string name;
            try
            {
                name = StrictUtf8.GetString(raw);
            }
            catch (ArgumentException ex)
            {
                // Not UTF-8: decoding it with replacement characters would give the member another name.
                throw Undecodable(ex);
            }

            Cache[slot] = new Entry(raw.ToArray(), name);
            return name;
        }

        private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        private sealed record Entry(byte[] Utf8, string Name);
    }
}
