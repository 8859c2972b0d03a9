/** Plain-English ingredients for realistic-looking company data. */

export const GIVEN_NAMES = [
  'Amy', 'Bill', 'Carla', 'Diego', 'Dylan', 'Emily', 'Frank', 'Grace', 'Hector', 'Ivy', 'Jack', 'Julia', 'Kevin', 'Laura',
  'Marcus', 'Nina', 'Oscar', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tanya', 'Umar', 'Vera', 'Walter', 'Ximena', 'Yusuf', 'Zoe',
  'Aaron', 'Bianca', 'Caleb', 'Dana', 'Elijah', 'Fatima', 'Gavin', 'Hana', 'Isaac', 'Jasmine', 'Kenji', 'Leah', 'Mateo',
  'Naomi', 'Omar', 'Paige', 'Rafael', 'Sofia', 'Theo', 'Uma', 'Victor', 'Wendy',
] as const;

export const FAMILY_NAMES = [
  'Lauterbach', 'Lucchini', 'Rodriguez', 'Cook', 'Chen', 'Patel', 'Nguyen', 'Kim', 'Okafor', 'Garcia', 'Smith', 'Johnson',
  'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas',
  'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis',
  'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson',
] as const;

export const BUSINESS_FIRST_WORDS = [
  'Bird', 'Windsurf', 'Garden', 'Pacific', 'Sunrise', 'Redwood', 'Harbor', 'Summit', 'Cedar', 'Golden', 'Blue Sky', 'Silver',
  'Maple', 'Coastal', 'Evergreen', 'Canyon', 'Prairie', 'Lakeside', 'Mesa', 'Northstar', 'Riverbend', 'Granite', 'Copper', 'Oak',
] as const;

export const BUSINESS_SECOND_WORDS = [
  'Sanctuary', 'Shop', 'Bakery', 'Studio', 'Landscaping', 'Auto Repair', 'Dental', 'Cafe', 'Consulting', 'Fitness', 'Books',
  'Pet Supply', 'Florist', 'Plumbing', 'Design Co.', 'Builders', 'Catering', 'Surf School', 'Vineyards', 'Outfitters',
] as const;

export const COMPANY_SUFFIXES = ['LLC', 'Inc.', 'Co.', 'Group', 'Partners'] as const;

export const STREET_NAMES = [
  'Main', 'Oak', 'Pine', 'Maple', 'Cedar', 'Elm', 'Washington', 'Lake', 'Hill', 'Park', 'Sunset', 'Ocean', 'Mission', 'Market',
  'Valencia', 'Grant', 'Lincoln', 'Jefferson', 'Madison', 'Broadway',
] as const;

export const STREET_SUFFIXES = ['St.', 'Ave.', 'Blvd.', 'Rd.', 'Way', 'Ln.', 'Dr.', 'Ct.'] as const;

/** City, state (CountrySubDivisionCode), ZIP prefix. */
export const CITIES: readonly (readonly [string, string, string])[] = [
  ['Bayshore', 'CA', '940'], ['Mountain View', 'CA', '940'], ['Half Moon Bay', 'CA', '940'], ['San Jose', 'CA', '951'],
  ['Sacramento', 'CA', '958'], ['Portland', 'OR', '972'], ['Seattle', 'WA', '981'], ['Spokane', 'WA', '992'], ['Boise', 'ID', '837'],
  ['Phoenix', 'AZ', '850'], ['Tucson', 'AZ', '857'], ['Denver', 'CO', '802'], ['Austin', 'TX', '787'], ['Dallas', 'TX', '752'],
  ['Chicago', 'IL', '606'], ['Madison', 'WI', '537'], ['Minneapolis', 'MN', '554'], ['Atlanta', 'GA', '303'], ['Miami', 'FL', '331'],
  ['Raleigh', 'NC', '276'], ['Boston', 'MA', '021'], ['Brooklyn', 'NY', '112'], ['Burlington', 'VT', '054'], ['Santa Fe', 'NM', '875'],
];

export const EMAIL_DOMAINS = ['example.com', 'mail.example.org', 'intuit.example', 'company.example.net'] as const;

/** [name, type, unit price in cents]: what a small business sells. */
export const ITEM_CATALOG: readonly (readonly [string, 'Service' | 'NonInventory' | 'Inventory', number])[] = [
  ['Design', 'Service', 7500], ['Installation', 'Service', 5000], ['Gardening', 'Service', 2500], ['Hours', 'Service', 1500],
  ['Lighting', 'Service', 4500], ['Maintenance & Repair', 'Service', 6000], ['Pest Control', 'Service', 3500], ['Trimming', 'Service', 3500],
  ['Consulting', 'Service', 12500], ['Delivery', 'Service', 2000], ['Concrete', 'Service', 4700], ['Sprinkler Heads', 'Inventory', 75],
  ['Sprinkler Pipes', 'Inventory', 400], ['Rock Fountain', 'Inventory', 27500], ['Pump', 'Inventory', 1575], ['Garden Rocks', 'NonInventory', 1200],
  ['Soil', 'NonInventory', 1000], ['Mulch', 'NonInventory', 850], ['Fertilizer', 'NonInventory', 1995], ['Flower Seeds', 'NonInventory', 399],
  ['Shrubs', 'NonInventory', 2999], ['Tree Planting', 'Service', 15000], ['Irrigation Audit', 'Service', 9900], ['Lawn Mowing', 'Service', 4000],
];

export const ITEM_VARIANTS = ['', 'Premium', 'Basic', 'Deluxe', 'Commercial', 'Residential', 'Small', 'Large', 'Seasonal', 'Express'] as const;

export const PAYMENT_METHODS: readonly (readonly [string, string])[] = [
  ['1', 'Cash'], ['2', 'Check'], ['3', 'Visa'], ['4', 'MasterCard'], ['5', 'Discover'], ['6', 'American Express'],
];

export const CUSTOMER_MEMOS = [
  'Thank you for your business and have a great day!',
  'We appreciate your prompt payment.',
  'Thanks for choosing us.',
  'Please contact us with any questions.',
] as const;

export const TAX_RATES: readonly (readonly [string, number])[] = [
  // [TaxRateRef value, basis points]
  ['3', 800], ['4', 825], ['5', 725], ['6', 888], ['7', 650], ['8', 950],
];
