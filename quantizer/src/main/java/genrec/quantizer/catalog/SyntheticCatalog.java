package genrec.quantizer.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded synthetic beauty-store catalogue with realistic item text. Items belong to a
 * category (skin care, make-up, ...), a product type within it (serum, lipstick, ...) and a
 * brand, and carry attributes (finish, size, skin type, scent). Titles and descriptions are built
 * from these, so a text encoder sees real semantic structure, and the labels are exposed so that
 * synthetic users can follow it ({@code genrec.generator.data.SyntheticInteractions}).
 *
 * @param catalog the items
 * @param category category index per item, into {@link #CATEGORIES}
 * @param productType product-type index per item, into the category's types (global numbering,
 *     see {@link #typeName(int)})
 * @param brand brand index per item
 * @param popularity a Zipf-like base popularity per item (sums to 1 within a product type)
 */
public record SyntheticCatalog(
    Catalog catalog, int[] category, int[] productType, int[] brand, double[] popularity) {

  /** Category names. */
  public static final List<String> CATEGORIES =
      List.of("Skin Care", "Makeup", "Hair Care", "Fragrance", "Nail Care", "Bath & Body",
          "Tools & Accessories", "Men's Grooming");

  private static final String[][] TYPES = {
    {"Facial Cleanser", "Moisturizer", "Serum", "Sunscreen SPF 50", "Eye Cream", "Face Mask",
        "Toner", "Exfoliating Scrub"},
    {"Lipstick", "Mascara", "Eyeliner", "Foundation", "Concealer", "Blush", "Eyeshadow Palette",
        "Setting Powder"},
    {"Shampoo", "Conditioner", "Hair Oil", "Hair Mask", "Styling Gel", "Dry Shampoo",
        "Heat Protectant Spray"},
    {"Eau de Parfum", "Eau de Toilette", "Body Mist", "Perfume Oil", "Cologne"},
    {"Nail Polish", "Top Coat", "Base Coat", "Nail Polish Remover", "Cuticle Oil", "Gel Polish"},
    {"Body Wash", "Body Lotion", "Bath Bomb", "Hand Cream", "Body Scrub", "Shower Oil"},
    {"Makeup Brush Set", "Beauty Sponge", "Hair Dryer", "Flat Iron", "Eyelash Curler",
        "Tweezers"},
    {"Beard Oil", "Shaving Cream", "Aftershave Balm", "Razor Blades", "Beard Trimmer"},
  };

  private static final String[] BRAND_A = {"Lumi", "Vera", "Nordic", "Rose", "Aqua", "Terra",
      "Belle", "Urban", "Pure", "Silk", "Golden", "Velvet", "Coral", "Sage", "Ivory", "Onyx"};
  private static final String[] BRAND_B = {"Botanics", "Labs", "Beauty", "Cosmetics", "& Co",
      "Naturals", "Studio", "Skin", "Essentials", "Paris"};
  private static final String[] FINISH = {"Matte", "Satin", "Glossy", "Shimmer", "Dewy",
      "Natural", "Long-Lasting", "Waterproof"};
  private static final String[] SCENT = {"Lavender", "Vanilla", "Citrus", "Rose", "Coconut",
      "Sandalwood", "Unscented", "Green Tea", "Jasmine"};
  private static final String[] SKIN = {"Dry Skin", "Oily Skin", "Sensitive Skin",
      "Combination Skin", "All Skin Types"};
  private static final String[] COLOR = {"Ruby Red", "Nude Beige", "Coral Pink", "Deep Plum",
      "Jet Black", "Soft Brown", "Champagne", "Berry"};
  private static final String[] SIZE = {"0.5 fl oz", "1 fl oz", "1.7 fl oz", "3.4 fl oz",
      "8 fl oz", "16 fl oz", "Travel Size", "Value Pack of 2"};
  private static final String[] BENEFIT = {"hydrating", "soothing", "brightening", "anti-aging",
      "nourishing", "volumizing", "lightweight", "fast-drying", "paraben-free", "vegan"};

  /** Number of product types across all categories. */
  public static int typeCount() {
    int n = 0;
    for (String[] t : TYPES) {
      n += t.length;
    }
    return n;
  }

  /** The name of a global product-type index. */
  public static String typeName(int type) {
    for (String[] t : TYPES) {
      if (type < t.length) {
        return t[type];
      }
      type -= t.length;
    }
    throw new IllegalArgumentException("no product type " + type);
  }

  /** The category of a global product-type index. */
  public static int categoryOfType(int type) {
    for (int c = 0; c < TYPES.length; c++) {
      if (type < TYPES[c].length) {
        return c;
      }
      type -= TYPES[c].length;
    }
    throw new IllegalArgumentException("no product type " + type);
  }

  /**
   * Generates {@code nItems} items (ids "i0", "i1", ...) with the given seed; the same seed
   * always gives the same catalogue.
   */
  public static SyntheticCatalog generate(int nItems, long seed) {
    if (nItems < 1) {
      throw new IllegalArgumentException("nItems=" + nItems + " must be >= 1");
    }
    Random rnd = new Random(seed);
    int nTypes = typeCount();
    int nBrands = Math.max(4, Math.min(BRAND_A.length * BRAND_B.length, nItems / 12 + 4));
    String[] brands = new String[nBrands];
    int[] brandCategory = new int[nBrands];
    for (int b = 0; b < nBrands; b++) {
      brands[b] = BRAND_A[b % BRAND_A.length] + " " + BRAND_B[(b / BRAND_A.length + b * 7) % BRAND_B.length];
      brandCategory[b] = rnd.nextInt(CATEGORIES.size());
    }
    List<Item> items = new ArrayList<>(nItems);
    int[] cat = new int[nItems];
    int[] type = new int[nItems];
    int[] brand = new int[nItems];
    double[] pop = new double[nItems];
    int[] typeRank = new int[nTypes];
    for (int i = 0; i < nItems; i++) {
      int t = i < nTypes ? i : rnd.nextInt(nTypes);
      int c = categoryOfType(t);
      // brands specialise: 70% of the time a brand of the item's own category
      int b = rnd.nextInt(nBrands);
      for (int tries = 0; tries < 8 && brandCategory[b] != c && rnd.nextDouble() < 0.7; tries++) {
        b = rnd.nextInt(nBrands);
      }
      cat[i] = c;
      type[i] = t;
      brand[i] = b;
      pop[i] = 1.0 / Math.pow(++typeRank[t], 0.9);
      String typeName = typeName(t);
      String variant;
      List<String> attrs = new ArrayList<>();
      switch (c) {
        case 1, 4 -> {
          String col = COLOR[rnd.nextInt(COLOR.length)];
          String fin = FINISH[rnd.nextInt(FINISH.length)];
          variant = fin + " " + typeName + ", " + col;
          attrs.add("color:" + col);
          attrs.add("finish:" + fin);
        }
        case 0, 7 -> {
          String skin = SKIN[rnd.nextInt(SKIN.length)];
          variant = typeName + " for " + skin;
          attrs.add("skin:" + skin);
        }
        case 3, 5 -> {
          String sc = SCENT[rnd.nextInt(SCENT.length)];
          variant = sc + " " + typeName;
          attrs.add("scent:" + sc);
        }
        default -> variant = FINISH[rnd.nextInt(FINISH.length)] + " " + typeName;
      }
      String size = SIZE[rnd.nextInt(SIZE.length)];
      attrs.add("brand:" + brands[b]);
      attrs.add("type:" + typeName);
      String title = brands[b] + " " + variant + ", " + size;
      String b1 = BENEFIT[rnd.nextInt(BENEFIT.length)];
      String b2 = BENEFIT[rnd.nextInt(BENEFIT.length)];
      String text = "A " + b1 + ", " + b2 + " " + typeName.toLowerCase(java.util.Locale.ROOT)
          + " from " + brands[b] + " for everyday " + CATEGORIES.get(c).toLowerCase(java.util.Locale.ROOT)
          + " routines.";
      items.add(new Item("i" + i, title, text, List.of(CATEGORIES.get(c), typeName), attrs));
    }
    // normalise popularity within each type
    double[] typeSum = new double[nTypes];
    for (int i = 0; i < nItems; i++) {
      typeSum[type[i]] += pop[i];
    }
    for (int i = 0; i < nItems; i++) {
      pop[i] /= typeSum[type[i]];
    }
    return new SyntheticCatalog(new Catalog(items), cat, type, brand, pop);
  }
}
