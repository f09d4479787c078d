// Regenerates the bundled example's data with a fixed seed (the CSVs are committed; this shows how they were made).
import { writeFileSync } from 'node:fs';

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(42);
const normal = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
const round = (x, d) => Number(x.toFixed(d));

// Housing: raw units (square feet, rooms, year built, distance in metres) and prices in dollars.
const housing = ['sqft,rooms,year_built,distance_m,price'];
for (let i = 0; i < 600; i++) {
  const sqft = 600 + rand() * 3400;
  const rooms = Math.max(1, Math.round(sqft / 500 + normal()));
  const year = Math.round(1920 + rand() * 100);
  const distance = 200 + rand() * 30000;
  const price = 40000 + sqft * 180 + rooms * 9000 + (year - 1920) * 900 - distance * 2.5 + normal() * 25000;
  housing.push([round(sqft, 1), rooms, year, round(distance, 1), Math.round(price)].join(','));
}
writeFileSync('examples/housing/data/train.csv', housing.join('\n') + '\n');

// Wine quality classes 0..2, 8 standardized-ish chemistry features.
const wine = ['alcohol,acidity,sugar,ph,sulphates,density,chlorides,color,quality'];
for (let i = 0; i < 600; i++) {
  const quality = Math.floor(rand() * 3);
  const f = Array.from({ length: 8 }, (_, j) => round(normal() + (j < 4 ? (quality - 1) * 0.8 : 0), 4));
  wine.push([...f, quality].join(','));
}
writeFileSync('examples/wine/data/train.csv', wine.join('\n') + '\n');
