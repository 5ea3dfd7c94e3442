using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Mlflow.Client.Serialization;

/// <summary>Converts one untyped JSON value to <typeparamref name="T"/>; false when the value does not fit.</summary>
internal delegate bool UntypedConverter<T>(UntypedNode node, out T value);

/// <summary>
/// Lenient readers used by the generated models. MLflow writes int64 as numbers or numeric strings and doubles
/// as numbers or "NaN" / "Infinity" / "-Infinity"; a value that does not fit its declared type is kept verbatim
/// in AdditionalData (as an UntypedNode) instead of being dropped.
/// </summary>
internal static class WireRead
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// The JSON value of a node as an UntypedNode, without Kiota's lossy number guessing (which reads numbers
    /// beyond decimal range as float, turning 1.7976931348623157e308 into +Infinity): integers stay long,
    /// other numbers decimal when exact, else double. Members whose value is null are skipped (as Kiota does).
    /// </summary>
    public static UntypedNode Raw(IParseNode node)
    {
        if (node.GetStringValue() is string s)
        {
            return new UntypedString(s);
        }

        if (node.GetBoolValue() is bool b)
        {
            return new UntypedBoolean(b);
        }

        if (Number(node) is UntypedNode number)
        {
            return number;
        }

        var items = new List<UntypedNode>();
        foreach (var _ in node.GetCollectionOfObjectValues(n => { items.Add(Raw(n)); return Placeholder.Instance; }))
        {
        }

        if (items.Count > 0)
        {
            return new UntypedArray(items);
        }

        var capture = node.GetObjectValue(_ => new ObjectCapture());
        if (capture != null && capture.Properties.Count > 0)
        {
            return new UntypedObject(capture.Properties);
        }

        // [], {} or null: Kiota's reader tells them apart exactly (and cheaply, they are empty).
        return node.GetObjectValue(UntypedNode.CreateFromDiscriminatorValue) ?? new UntypedNull();
    }

    private static UntypedNode? Number(IParseNode node)
    {
        double? d;
        try
        {
            d = node.GetDoubleValue();
        }
        catch (Exception e) when (e is FormatException || e is JsonException || e is OverflowException)
        {
            return null;
        }

        if (d is not double value)
        {
            return null;
        }

        if (Math.Floor(value) == value && Math.Abs(value) < 9.2e18)
        {
            try
            {
                if (node.GetLongValue() is long l)
                {
                    return l >= int.MinValue && l <= int.MaxValue
                        ? new UntypedInteger((int)l)
                        : new UntypedLong(l);
                }
            }
            catch (Exception e) when (e is FormatException || e is JsonException || e is OverflowException)
            {
                // "1.0": not an integer token; read it as a decimal below.
            }
        }

        try
        {
            if (node.GetDecimalValue() is decimal m)
            {
                return new UntypedDecimal(m);
            }
        }
        catch (Exception e) when (e is FormatException || e is JsonException || e is OverflowException)
        {
            // beyond decimal range
        }

        return new UntypedDouble(value);
    }

    /// <summary>Reads a nested message; false when the value is not a JSON object (it is then kept verbatim).</summary>
    public static bool TryModel<T>(IParseNode node, ParsableFactory<T> factory, out T? value)
        where T : IParsable
    {
        value = default;
        if (node is IJsonKindNode json)
        {
            // The client's own node knows the kind: anything but an object (or an empty array, as below) is kept,
            // including numbers no double holds (-1e309), which the checks of the other branch cannot see.
            if (json.ValueKind != JsonValueKind.Object && !(json.ValueKind == JsonValueKind.Array && json.ArrayLength == 0))
            {
                return false;
            }
        }
        else if (node.GetStringValue() != null || node.GetBoolValue() != null || Number(node) != null || IsNonEmptyArray(node))
        {
            return false;
        }

        // (An empty array where a message is expected reads as an empty message: telling [] from {} would
        // cost a second, untyped read of every nested message.)
        value = node.GetObjectValue(factory);
        return value != null;
    }

    /// <summary>Reads an array of messages; false when the value is not a JSON array (it is then kept verbatim).</summary>
    public static bool TryModelList<T>(IParseNode node, ParsableFactory<T> factory, out List<T>? value)
        where T : IParsable
    {
        if (node is IJsonKindNode { ValueKind: JsonValueKind.Array } json && !json.ArrayHoldsOnlyObjects)
        {
            // An item that is not a message ([null], ["x", {}]) would read as an empty message: keep the whole list.
            value = null;
            return false;
        }

        value = new List<T>(node.GetCollectionOfObjectValues(factory));
        return value.Count > 0 || Kiota(node) is UntypedArray;
    }

    /// <summary>Reads an object of messages; false when the value is not a JSON object (it is then kept verbatim).</summary>
    public static bool TryModelMap<T>(IParseNode node, ParsableFactory<T> factory, out Dictionary<string, T>? value)
        where T : IParsable
    {
        value = ModelMap(node, factory);
        return value.Count > 0 || Kiota(node) is UntypedObject;
    }

    // Kiota's own untyped reading: exact for empty containers, null and the value kind.
    private static UntypedNode? Kiota(IParseNode node) =>
        node.GetObjectValue(UntypedNode.CreateFromDiscriminatorValue);

    private static bool IsNonEmptyArray(IParseNode node)
    {
        foreach (var _ in node.GetCollectionOfObjectValues(_ => Placeholder.Instance))
        {
            return true;
        }

        return false;
    }

    private sealed class Placeholder : IParsable
    {
        public static readonly Placeholder Instance = new Placeholder();

        public IDictionary<string, Action<IParseNode>> GetFieldDeserializers() =>
            new Dictionary<string, Action<IParseNode>>();

        public void Serialize(ISerializationWriter writer)
        {
        }
    }

    private sealed class ObjectCapture : IParsable
    {
        public Dictionary<string, UntypedNode> Properties { get; } =
            new Dictionary<string, UntypedNode>(StringComparer.Ordinal);

        public IDictionary<string, Action<IParseNode>> GetFieldDeserializers() =>
            new FieldDeserializers(key => n => Properties[key] = Raw(n));

        public void Serialize(ISerializationWriter writer)
        {
        }
    }

    /// <summary>Keeps a value that did not fit its declared type, under its wire name.</summary>
    public static void Keep(IAdditionalDataHolder holder, string key, IParseNode node)
    {
        holder.AdditionalData ??= new Dictionary<string, object>();
        holder.AdditionalData[key] = Raw(node);
    }

    /// <summary>
    /// What a required enum property gives when its value is not set: the enum's first member when the field was
    /// absent (the documented default), but an <see cref="MlflowMissingFieldException"/> naming the raw value when the
    /// answer carried a value this SDK does not know (kept under <paramref name="field"/> in the additional data), so a
    /// newer server's value is never read as a known member.
    /// </summary>
    public static T KnownEnumOrDefault<T>(IDictionary<string, object>? additionalData, string typeName, string field)
        where T : struct
    {
        if (additionalData is not null && additionalData.TryGetValue(field, out var raw))
        {
            var text = raw is UntypedString untyped ? untyped.GetValue() : raw?.ToString();
            throw new MlflowMissingFieldException(typeName, field, text);
        }
        return default;
    }

    public static bool TryString(IParseNode node, out string? value)
    {
        value = node.GetStringValue();
        return value != null;
    }

    public static bool TryBoolean(IParseNode node, out bool? value)
    {
        value = node.GetBoolValue();
        return value != null;
    }

    public static bool TryInt32(IParseNode node, out int? value) =>
        TryNumber(node, static n => n.GetIntValue(), QueryValues.Int32, out value);

    // Kiota's JSON node answers null for a string token: MLflow accepts int64 as a JSON string too.
    public static bool TryInt64(IParseNode node, out long? value) =>
        TryNumber(node, static n => n.GetLongValue(), QueryValues.Int64, out value);

    public static bool TryDouble(IParseNode node, out double? value) =>
        TryNumber(node, static n => n.GetDoubleValue(), TryParseDouble, out value);

    /// <summary>A number read by the node, or else parsed from a string token (MLflow's numeric strings, "NaN", ...).</summary>
    private static bool TryNumber<T>(IParseNode node, Func<IParseNode, T?> read, TextParser<T> parse, out T? value)
        where T : struct
    {
        value = null;
        try
        {
            value = read(node);
        }
        catch (Exception e) when (e is FormatException || e is JsonException || e is InvalidOperationException || e is OverflowException)
        {
            return false;
        }

        if (value == null && node.GetStringValue() is string s && parse(s, out var parsed))
        {
            value = parsed;
        }

        return value != null;
    }

    public static bool TryDateTime(IParseNode node, out DateTimeOffset? value)
    {
        value = null;
        if (node.GetStringValue() is string s && TryParseDateTime(s, out var parsed))
        {
            value = parsed;
        }

        return value != null;
    }

    public static bool TryBytes(IParseNode node, out byte[]? value)
    {
        value = null;
        if (node.GetStringValue() is string s && TryParseBytes(s, out var parsed))
        {
            value = parsed;
        }

        return value != null;
    }

    /// <summary>Reads a JSON array through <paramref name="convert"/>; false (nothing read) when any element does not fit.</summary>
    public static bool TryList<T>(IParseNode node, UntypedConverter<T> convert, out List<T>? value)
    {
        value = null;
        if (!(Raw(node) is UntypedArray array))
        {
            return false;
        }

        var list = new List<T>();
        foreach (var item in array.GetValue())
        {
            if (!convert(item, out var converted))
            {
                return false;
            }

            list.Add(converted);
        }

        value = list;
        return true;
    }

    /// <summary>Reads a JSON object of values through <paramref name="convert"/>; false when any value does not fit.</summary>
    public static bool TryMap<T>(IParseNode node, UntypedConverter<T> convert, out Dictionary<string, T>? value)
    {
        value = null;
        if (!(Raw(node) is UntypedObject obj))
        {
            return false;
        }

        var map = new Dictionary<string, T>();
        foreach (var item in obj.GetValue())
        {
            if (!convert(item.Value, out var converted))
            {
                return false;
            }

            map[item.Key] = converted;
        }

        value = map;
        return true;
    }

    /// <summary>Reads a JSON object whose values are models.</summary>
    public static Dictionary<string, T> ModelMap<T>(IParseNode node, ParsableFactory<T> factory)
        where T : IParsable
    {
        var holder = node.GetObjectValue(_ => new WireMap<T>(factory));
        return holder?.Values ?? new Dictionary<string, T>();
    }

    // ---- element converters (UntypedNode -> value)

    public static bool String(UntypedNode node, out string value)
    {
        value = (node as UntypedString)?.GetValue() ?? "";
        return node is UntypedString s && s.GetValue() != null;
    }

    public static bool Boolean(UntypedNode node, out bool value)
    {
        value = node is UntypedBoolean b && b.GetValue();
        return node is UntypedBoolean;
    }

    public static bool Int32(UntypedNode node, out int value)
    {
        value = 0;
        if (Int64(node, out var l) && l >= int.MinValue && l <= int.MaxValue)
        {
            value = (int)l;
            return true;
        }

        return false;
    }

    public static bool Int64(UntypedNode node, out long value)
    {
        value = 0;
        switch (node)
        {
            case UntypedInteger i:
                value = i.GetValue();
                return true;
            case UntypedLong l:
                value = l.GetValue();
                return true;
            case UntypedDecimal d when decimal.Truncate(d.GetValue()) == d.GetValue() && d.GetValue() >= long.MinValue && d.GetValue() <= long.MaxValue:
                value = (long)d.GetValue();
                return true;
            case UntypedString s when s.GetValue() is string text:
                return long.TryParse(text, NumberStyles.Integer, Invariant, out value);
            default:
                return false;
        }
    }

    public static bool Double(UntypedNode node, out double value)
    {
        value = 0;
        switch (node)
        {
            case UntypedInteger i:
                value = i.GetValue();
                return true;
            case UntypedLong l:
                value = l.GetValue();
                return true;
            case UntypedDecimal d:
                // Through the shortest decimal text, so that the double is the one the JSON text denotes.
                return double.TryParse(d.GetValue().ToString(Invariant), NumberStyles.Float, Invariant, out value);
            case UntypedFloat f:
                return double.TryParse(f.GetValue().ToString("R", Invariant), NumberStyles.Float, Invariant, out value);
            case UntypedDouble db:
                value = db.GetValue();
                return true;
            case UntypedString s when s.GetValue() is string text:
                return TryParseDouble(text, out value);
            default:
                return false;
        }
    }

    public static bool DateTime(UntypedNode node, out DateTimeOffset value)
    {
        value = default;
        return node is UntypedString s && s.GetValue() is string text && TryParseDateTime(text, out value);
    }

    public static bool Bytes(UntypedNode node, out byte[] value)
    {
        value = Array.Empty<byte>();
        return node is UntypedString s && s.GetValue() is string text && TryParseBytes(text, out value);
    }

    public static bool Any(UntypedNode node, out UntypedNode value)
    {
        value = node;
        return true;
    }

    // ---- text parsing

    /// <summary>Parses a double written as a number or as MLflow's "NaN" / "Infinity" / "-Infinity".</summary>
    public static bool TryParseDouble(string text, out double value)
    {
        switch (text)
        {
            case "NaN":
                value = double.NaN;
                return true;
            case "Infinity":
            case "inf":
                value = double.PositiveInfinity;
                return true;
            case "-Infinity":
            case "-inf":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, Invariant, out value);
        }
    }

    public static bool TryParseDateTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, Invariant, DateTimeStyles.RoundtripKind, out value);

    public static bool TryParseBytes(string text, out byte[] value)
    {
        try
        {
            value = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            value = Array.Empty<byte>();
            return false;
        }
    }
}

/// <summary>
/// A parse node that can tell the JSON kind of its value, which <see cref="IParseNode"/> cannot (the client's own
/// node implements it; over another node the readers fall back to probing the value).
/// </summary>
internal interface IJsonKindNode
{
    /// <summary>The kind of the value.</summary>
    JsonValueKind ValueKind { get; }

    /// <summary>The number of items when the value is an array (else 0).</summary>
    int ArrayLength { get; }

    /// <summary>True when the value is an array whose every item is a JSON object.</summary>
    bool ArrayHoldsOnlyObjects { get; }
}
