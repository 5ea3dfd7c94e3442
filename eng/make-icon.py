# Writes eng/icon.png (128x128 RGBA), the NuGet package icon: a blue rounded tile with three rising white bars
# and a trend line (a metrics chart). Pure Python (zlib + struct) so that it needs nothing installed.
import struct, zlib, math

N = 128
BLUE = (1, 148, 226)
WHITE = (255, 255, 255)

def inside_rounded(x, y, r=22):
    cx = min(max(x, r), N - 1 - r)
    cy = min(max(y, r), N - 1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

bars = [(24, 44, 84), (54, 74, 64), (84, 104, 40)]  # (x0, x1, top); bars end at y = 104
line = [(30, 70), (62, 50), (96, 22)]

def near_line(x, y, width=4.5):
    for (x0, y0), (x1, y1) in zip(line, line[1:]):
        dx, dy = x1 - x0, y1 - y0
        t = max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / float(dx * dx + dy * dy)))
        px, py = x0 + t * dx, y0 + t * dy
        if math.hypot(x - px, y - py) <= width:
            return True
    return any(math.hypot(x - px, y - py) <= 8 for px, py in line)

rows = []
for y in range(N):
    row = bytearray([0])
    for x in range(N):
        if not inside_rounded(x, y):
            row += bytes((0, 0, 0, 0))
        elif any(x0 <= x < x1 and top <= y < 104 for x0, x1, top in bars) or near_line(x, y):
            row += bytes(WHITE + (255,))
        else:
            row += bytes(BLUE + (255,))
    rows.append(bytes(row))

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
open("icon.png", "wb").write(png)
