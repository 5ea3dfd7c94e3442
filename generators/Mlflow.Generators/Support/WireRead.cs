namespace __NS__.Serialization
{
    /// <summary>Converts one untyped JSON value to <typeparamref name="T"/>; false when the value does not fit.</summary>
    internal delegate bool UntypedConverter<T>(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode node, out T value);

    /// <summary>
    /// Lenient readers used by the generated models. MLflow writes int64 as numbers or numeric strings and doubles
    /// as numbers or "NaN" / "Infinity" / "-Infinity"; a value that does not fit its declared type is kept verbatim
    /// in AdditionalData (as an UntypedNode) instead of being dropped.
    /// </summary>
    internal static class WireRead
    {
        private static readonly global::System.Globalization.CultureInfo Invariant = global::System.Globalization.CultureInfo.InvariantCulture;

        /// <summary>
        /// The JSON value of a node as an UntypedNode, without Kiota's lossy number guessing (which reads numbers
        /// beyond decimal range as float, turning 1.7976931348623157e308 into +Infinity): integers stay long,
        /// other numbers decimal when exact, else double. Members whose value is null are skipped (as Kiota does).
        /// </summary>
        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Raw(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node)
        {
            if (node.GetStringValue() is string s)
            {
                return new global::Microsoft.Kiota.Abstractions.Serialization.UntypedString(s);
            }

            if (node.GetBoolValue() is bool b)
            {
                return new global::Microsoft.Kiota.Abstractions.Serialization.UntypedBoolean(b);
            }

            if (Number(node) is global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode number)
            {
                return number;
            }

            var items = new global::System.Collections.Generic.List<global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode>();
            foreach (var _ in node.GetCollectionOfObjectValues(n => { items.Add(Raw(n)); return Placeholder.Instance; }))
            {
            }

            if (items.Count > 0)
            {
                return new global::Microsoft.Kiota.Abstractions.Serialization.UntypedArray(items);
            }

            var capture = node.GetObjectValue(_ => new ObjectCapture());
            if (capture != null && capture.Properties.Count > 0)
            {
                return new global::Microsoft.Kiota.Abstractions.Serialization.UntypedObject(capture.Properties);
            }

            // [], {} or null: Kiota's reader tells them apart exactly (and cheaply, they are empty).
            return node.GetObjectValue(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode.CreateFromDiscriminatorValue) ?? new global::Microsoft.Kiota.Abstractions.Serialization.UntypedNull();
        }

        private static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode? Number(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node)
        {
            double? d;
            try
            {
                d = node.GetDoubleValue();
            }
            catch (global::System.Exception e) when (e is global::System.FormatException || e is global::System.Text.Json.JsonException || e is global::System.OverflowException)
            {
                return null;
            }

            if (d is not double value)
            {
                return null;
            }

            if (global::System.Math.Floor(value) == value && global::System.Math.Abs(value) < 9.2e18)
            {
                try
                {
                    if (node.GetLongValue() is long l)
                    {
                        return l >= int.MinValue && l <= int.MaxValue
                            ? new global::Microsoft.Kiota.Abstractions.Serialization.UntypedInteger((int)l)
                            : new global::Microsoft.Kiota.Abstractions.Serialization.UntypedLong(l);
                    }
                }
                catch (global::System.Exception e) when (e is global::System.FormatException || e is global::System.Text.Json.JsonException || e is global::System.OverflowException)
                {
                    // "1.0": not an integer token; read it as a decimal below.
                }
            }

            try
            {
                if (node.GetDecimalValue() is decimal m)
                {
                    return new global::Microsoft.Kiota.Abstractions.Serialization.UntypedDecimal(m);
                }
            }
            catch (global::System.Exception e) when (e is global::System.FormatException || e is global::System.Text.Json.JsonException || e is global::System.OverflowException)
            {
                // beyond decimal range
            }

            return new global::Microsoft.Kiota.Abstractions.Serialization.UntypedDouble(value);
        }

        /// <summary>Reads a nested message; false when the value is not a JSON object (it is then kept verbatim).</summary>
        public static bool TryModel<T>(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node, global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<T> factory, out T? value)
            where T : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
        {
            value = default;
            if (node.GetStringValue() != null || node.GetBoolValue() != null || Number(node) != null || IsNonEmptyArray(node))
            {
                return false;
            }

            // (An empty array where a message is expected reads as an empty message: telling [] from {} would
            // cost a second, untyped read of every nested message.)
            value = node.GetObjectValue(factory);
            return value != null;
        }

        /// <summary>Reads an array of messages; false when the value is not a JSON array (it is then kept verbatim).</summary>
        public static bool TryModelList<T>(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node, global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<T> factory, out global::System.Collections.Generic.List<T>? value)
            where T : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
        {
            value = new global::System.Collections.Generic.List<T>(node.GetCollectionOfObjectValues(factory));
            return value.Count > 0 || Kiota(node) is global::Microsoft.Kiota.Abstractions.Serialization.UntypedArray;
        }

        /// <summary>Reads an object of messages; false when the value is not a JSON object (it is then kept verbatim).</summary>
        public static bool TryModelMap<T>(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node, global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<T> factory, out global::System.Collections.Generic.Dictionary<string, T>? value)
            where T : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
        {
            value = ModelMap(node, factory);
            return value.Count > 0 || Kiota(node) is global::Microsoft.Kiota.Abstractions.Serialization.UntypedObject;
        }

        // Kiota's own untyped reading: exact for empty containers, null and the value kind.
        private static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode? Kiota(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node) =>
            node.GetObjectValue(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode.CreateFromDiscriminatorValue);

        private static bool IsNonEmptyArray(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node)
        {
            foreach (var _ in node.GetCollectionOfObjectValues(_ => Placeholder.Instance))
            {
                return true;
            }

            return false;
        }

        private sealed class Placeholder : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
        {
            public static readonly Placeholder Instance = new Placeholder();

            public global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> GetFieldDeserializers() =>
                new global::System.Collections.Generic.Dictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>();

            public void Serialize(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer)
            {
            }
        }

        private sealed class ObjectCapture : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
        {
            public global::System.Collections.Generic.Dictionary<string, global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode> Properties { get; } =
                new global::System.Collections.Generic.Dictionary<string, global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode>(global::System.StringComparer.Ordinal);

            public global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> GetFieldDeserializers() =>
                new FieldDeserializers(key => n => Properties[key] = Raw(n));

            public void Serialize(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer)
            {
            }
        }

        /// <summary>Keeps a value that did not fit its declared type, under its wire name.</summary>
        public static void Keep(global::Microsoft.Kiota.Abstractions.Serialization.IAdditionalDataHolder holder, string key, global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node)
        {
            holder.AdditionalData ??= new global::System.Collections.Generic.Dictionary<string, object>();
            holder.AdditionalData[key] = Raw(node);
        }

        public static bool TryString(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node, out string? value)
        {
            value = node.GetStringValue();
            return value != null;
        }

        public static bool TryBoolean(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node, out bool? value)
        {
            value = node.GetBoolValue();
            return value != null;
        }

        public static bool TryInt32(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node, out int? value)
        {
            value = null;
            try
            {
                value = node.GetIntValue();
            }
            catch (global::System.Exception e) when (e is global::System.FormatException || e is global::System.Text.Json.JsonException || e is global::System.InvalidOperationException || e is global::System.OverflowException)
            {
                return false;
            }

            if (value == null && node.GetStringValue() is string s && int.TryParse(s, global::System.Globalization.NumberStyles.Integer, Invariant, out var parsed))
            {
                value = parsed;
            }

            return value != null;
        }

        public static bool TryInt64(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node, out long? value)
        {
            value = null;
            try
            {
                value = node.GetLongValue();
            }
            catch (global::System.Exception e) when (e is global::System.FormatException || e is global::System.Text.Json.JsonException || e is global::System.InvalidOperationException || e is global::System.OverflowException)
            {
                return false;
            }

            // Kiota's JSON node answers null for a string token: MLflow accepts int64 as a JSON string too.
            if (value == null && node.GetStringValue() is string s && long.TryParse(s, global::System.Globalization.NumberStyles.Integer, Invariant, out var parsed))
            {
                value = parsed;
            }

            return value != null;
        }

        public static bool TryDouble(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node, out double? value)
        {
            value = null;
            try
            {
                value = node.GetDoubleValue();
            }
            catch (global::System.Exception e) when (e is global::System.FormatException || e is global::System.Text.Json.JsonException || e is global::System.InvalidOperationException || e is global::System.OverflowException)
            {
                return false;
            }

            if (value == null && node.GetStringValue() is string s && TryParseDouble(s, out var parsed))
            {
                value = parsed;
            }

            return value != null;
        }

        public static bool TryDateTime(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node, out global::System.DateTimeOffset? value)
        {
            value = null;
            if (node.GetStringValue() is string s && TryParseDateTime(s, out var parsed))
            {
                value = parsed;
            }

            return value != null;
        }

        public static bool TryBytes(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node, out byte[]? value)
        {
            value = null;
            if (node.GetStringValue() is string s && TryParseBytes(s, out var parsed))
            {
                value = parsed;
            }

            return value != null;
        }

        /// <summary>Reads a JSON array through <paramref name="convert"/>; false (nothing read) when any element does not fit.</summary>
        public static bool TryList<T>(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node, UntypedConverter<T> convert, out global::System.Collections.Generic.List<T>? value)
        {
            value = null;
            if (!(Raw(node) is global::Microsoft.Kiota.Abstractions.Serialization.UntypedArray array))
            {
                return false;
            }

            var list = new global::System.Collections.Generic.List<T>();
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
        public static bool TryMap<T>(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node, UntypedConverter<T> convert, out global::System.Collections.Generic.Dictionary<string, T>? value)
        {
            value = null;
            if (!(Raw(node) is global::Microsoft.Kiota.Abstractions.Serialization.UntypedObject obj))
            {
                return false;
            }

            var map = new global::System.Collections.Generic.Dictionary<string, T>();
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
        public static global::System.Collections.Generic.Dictionary<string, T> ModelMap<T>(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode node, global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<T> factory)
            where T : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
        {
            var holder = node.GetObjectValue(_ => new WireMap<T>(factory));
            return holder?.Values ?? new global::System.Collections.Generic.Dictionary<string, T>();
        }

        // ---- element converters (UntypedNode -> value)

        public static bool String(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode node, out string value)
        {
            value = (node as global::Microsoft.Kiota.Abstractions.Serialization.UntypedString)?.GetValue() ?? "";
            return node is global::Microsoft.Kiota.Abstractions.Serialization.UntypedString s && s.GetValue() != null;
        }

        public static bool Boolean(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode node, out bool value)
        {
            value = node is global::Microsoft.Kiota.Abstractions.Serialization.UntypedBoolean b && b.GetValue();
            return node is global::Microsoft.Kiota.Abstractions.Serialization.UntypedBoolean;
        }

        public static bool Int32(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode node, out int value)
        {
            value = 0;
            if (Int64(node, out var l) && l >= int.MinValue && l <= int.MaxValue)
            {
                value = (int)l;
                return true;
            }

            return false;
        }

        public static bool Int64(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode node, out long value)
        {
            value = 0;
            switch (node)
            {
                case global::Microsoft.Kiota.Abstractions.Serialization.UntypedInteger i:
                    value = i.GetValue();
                    return true;
                case global::Microsoft.Kiota.Abstractions.Serialization.UntypedLong l:
                    value = l.GetValue();
                    return true;
                case global::Microsoft.Kiota.Abstractions.Serialization.UntypedDecimal d when decimal.Truncate(d.GetValue()) == d.GetValue() && d.GetValue() >= long.MinValue && d.GetValue() <= long.MaxValue:
                    value = (long)d.GetValue();
                    return true;
                case global::Microsoft.Kiota.Abstractions.Serialization.UntypedString s when s.GetValue() is string text:
                    return long.TryParse(text, global::System.Globalization.NumberStyles.Integer, Invariant, out value);
                default:
                    return false;
            }
        }

        public static bool Double(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode node, out double value)
        {
            value = 0;
            switch (node)
            {
                case global::Microsoft.Kiota.Abstractions.Serialization.UntypedInteger i:
                    value = i.GetValue();
                    return true;
                case global::Microsoft.Kiota.Abstractions.Serialization.UntypedLong l:
                    value = l.GetValue();
                    return true;
                case global::Microsoft.Kiota.Abstractions.Serialization.UntypedDecimal d:
                    // Through the shortest decimal text, so that the double is the one the JSON text denotes.
                    return double.TryParse(d.GetValue().ToString(Invariant), global::System.Globalization.NumberStyles.Float, Invariant, out value);
                case global::Microsoft.Kiota.Abstractions.Serialization.UntypedFloat f:
                    return double.TryParse(f.GetValue().ToString("R", Invariant), global::System.Globalization.NumberStyles.Float, Invariant, out value);
                case global::Microsoft.Kiota.Abstractions.Serialization.UntypedDouble db:
                    value = db.GetValue();
                    return true;
                case global::Microsoft.Kiota.Abstractions.Serialization.UntypedString s when s.GetValue() is string text:
                    return TryParseDouble(text, out value);
                default:
                    return false;
            }
        }

        public static bool DateTime(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode node, out global::System.DateTimeOffset value)
        {
            value = default;
            return node is global::Microsoft.Kiota.Abstractions.Serialization.UntypedString s && s.GetValue() is string text && TryParseDateTime(text, out value);
        }

        public static bool Bytes(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode node, out byte[] value)
        {
            value = global::System.Array.Empty<byte>();
            return node is global::Microsoft.Kiota.Abstractions.Serialization.UntypedString s && s.GetValue() is string text && TryParseBytes(text, out value);
        }

        public static bool Any(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode node, out global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode value)
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
                    return double.TryParse(text, global::System.Globalization.NumberStyles.Float, Invariant, out value);
            }
        }

        public static bool TryParseDateTime(string text, out global::System.DateTimeOffset value) =>
            global::System.DateTimeOffset.TryParse(text, Invariant, global::System.Globalization.DateTimeStyles.RoundtripKind, out value);

        public static bool TryParseBytes(string text, out byte[] value)
        {
            try
            {
                value = global::System.Convert.FromBase64String(text);
                return true;
            }
            catch (global::System.FormatException)
            {
                value = global::System.Array.Empty<byte>();
                return false;
            }
        }
    }
}
