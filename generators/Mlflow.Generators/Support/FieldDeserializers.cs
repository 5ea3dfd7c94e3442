namespace __NS__.Serialization
{
    /// <summary>
    /// The field deserializers of a generated model. Kiota's JSON reader asks this dictionary about every field of
    /// the object; a field the model does not declare is kept as its exact JSON value (UntypedNode) in
    /// AdditionalData, rather than Kiota's best-guess conversion (which turns ISO strings into DateTime and
    /// GUID-like strings into Guid, and so changes the text written back).
    /// </summary>
    internal sealed class FieldDeserializers : global::System.Collections.Generic.Dictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>,
        global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>
    {
        private readonly global::System.Func<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> _fallback;

        /// <summary>Unknown fields go to the holder's AdditionalData.</summary>
        public FieldDeserializers(global::Microsoft.Kiota.Abstractions.Serialization.IAdditionalDataHolder holder)
            : base(global::System.StringComparer.Ordinal)
        {
            _fallback = key => node => WireRead.Keep(holder, key, node);
        }

        /// <summary>Unknown fields go to <paramref name="fallback"/>.</summary>
        public FieldDeserializers(global::System.Func<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> fallback)
            : base(global::System.StringComparer.Ordinal)
        {
            _fallback = fallback;
        }

        bool global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>.ContainsKey(string key) => true;

        bool global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>.TryGetValue(string key, out global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode> value)
        {
            if (!TryGetValue(key, out var known))
            {
                known = _fallback(key);
            }

            value = known;
            return true;
        }

        global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode> global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>.this[string key]
        {
            get => TryGetValue(key, out var known) ? known : _fallback(key);
            set => this[key] = value;
        }
    }

    /// <summary>A JSON object read as a map of models (OpenAPI additionalProperties with a message value).</summary>
    internal sealed class WireMap<T> : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
        where T : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
    {
        private readonly global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<T> _factory;

        public WireMap(global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<T> factory) => _factory = factory;

        public global::System.Collections.Generic.Dictionary<string, T> Values { get; } = new global::System.Collections.Generic.Dictionary<string, T>();

        public global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> GetFieldDeserializers() =>
            new FieldDeserializers(key => node => Values[key] = node.GetObjectValue(_factory));

        public void Serialize(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer)
        {
            foreach (var entry in Values)
            {
                writer.WriteObjectValue(entry.Key, entry.Value);
            }
        }
    }

    /// <summary>
    /// Reads a whole answer as an UntypedNode through <see cref="WireRead.Raw"/> (lossless numbers), for operations
    /// whose success body is free-form JSON: <c>SendAsync&lt;WireValue&gt;(…, WireValue.CreateFromDiscriminatorValue, …)</c>.
    /// </summary>
    internal sealed class WireValue : global::Microsoft.Kiota.Abstractions.Serialization.IParsable
    {
        private WireValue(global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode value) => Value = value;

        public global::Microsoft.Kiota.Abstractions.Serialization.UntypedNode Value { get; }

        public static WireValue CreateFromDiscriminatorValue(global::Microsoft.Kiota.Abstractions.Serialization.IParseNode parseNode) => new WireValue(WireRead.Raw(parseNode));

        public global::System.Collections.Generic.IDictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>> GetFieldDeserializers() =>
            new global::System.Collections.Generic.Dictionary<string, global::System.Action<global::Microsoft.Kiota.Abstractions.Serialization.IParseNode>>();

        public void Serialize(global::Microsoft.Kiota.Abstractions.Serialization.ISerializationWriter writer) => writer.WriteObjectValue(null, Value);
    }
}
