namespace __NS__.Serialization
{
    /// <summary>Writers used by the generated models for values Kiota's JSON writer cannot write as MLflow expects.</summary>
    internal static class WireWrite
    {
        /// <summary>The wire text of a double that JSON numbers cannot carry.</summary>
        public static string? NonFinite(double value) =>
            double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "Infinity" : double.IsNegativeInfinity(value) ? "-Infinity" : null;

        /// <summary>Writes a double; NaN and infinities are written as the strings MLflow accepts (JSON numbers cannot carry them).</summary>
        public static void Double(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, double? value)
        {
            if (value is double d)
            {
                if (NonFinite(d) is string text)
                {
                    writer.WriteStringValue(key, text);
                }
                else
                {
                    writer.WriteDoubleValue(key, d);
                }
            }
        }

        /// <summary>Writes a timestamp as RFC 3339 in UTC with a 'Z' suffix (the form protobuf's JSON mapping emits).</summary>
        public static void DateTime(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, global::System.DateTimeOffset? value)
        {
            if (value is global::System.DateTimeOffset d)
            {
                writer.WriteStringValue(key, FormatDateTime(d));
            }
        }

        public static string FormatDateTime(global::System.DateTimeOffset value) =>
            value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", global::System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>Writes a list of primitives converted to untyped JSON values.</summary>
        public static void List<T>(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, global::System.Collections.Generic.IEnumerable<T>? values, global::System.Func<T, global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode> convert)
        {
            if (values == null)
            {
                return;
            }

            var items = new global::System.Collections.Generic.List<global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode>();
            foreach (var v in values)
            {
                items.Add(convert(v));
            }

            writer.WriteObjectValue(key, new global::Microsoft.Kiota.Abstractions.Serialization.UntypedArray(items));
        }

        /// <summary>Writes a map; each value is written by <paramref name="write"/>.</summary>
        public static void Map<T>(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer, string key, global::System.Collections.Generic.IDictionary<string, T>? values, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter, string, T> write)
        {
            if (values != null)
            {
                writer.WriteObjectValue(key, new MapWriter<T>(values, write));
            }
        }

        // ---- value -> untyped JSON (for lists and maps)

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(string value) => new global::Microsoft.Kiota.Abstractions.Serialization.UntypedString(value);

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(bool value) => new global::Microsoft.Kiota.Abstractions.Serialization.UntypedBoolean(value);

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(int value) => new global::Microsoft.Kiota.Abstractions.Serialization.UntypedInteger(value);

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(long value) => new global::Microsoft.Kiota.Abstractions.Serialization.UntypedLong(value);

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(double value) =>
            NonFinite(value) is string text
                ? new global::Microsoft.Kiota.Abstractions.Serialization.UntypedString(text)
                : new global::Microsoft.Kiota.Abstractions.Serialization.UntypedDouble(value);

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(global::System.DateTimeOffset value) => new global::Microsoft.Kiota.Abstractions.Serialization.UntypedString(FormatDateTime(value));

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(byte[] value) => new global::Microsoft.Kiota.Abstractions.Serialization.UntypedString(global::System.Convert.ToBase64String(value));

        public static global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Untyped(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode value) => value;

        private sealed class MapWriter<T> : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
        {
            private readonly global::System.Collections.Generic.IDictionary<string, T> _values;
            private readonly global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter, string, T> _write;

            public MapWriter(global::System.Collections.Generic.IDictionary<string, T> values, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter, string, T> write)
            {
                _values = values;
                _write = write;
            }

            public global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> GetFieldDeserializers() =>
                new global::System.Collections.Generic.Dictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>();

            public void Serialize(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer)
            {
                foreach (var entry in _values)
                {
                    _write(writer, entry.Key, entry.Value);
                }
            }
        }
    }
}
