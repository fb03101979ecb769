export * from 'src/generator/catalogue';
export * from 'src/generator/prng';
export * from 'src/generator/records';
export * from 'src/generator/region';
export * from 'src/generator/writers';
export * from 'src/generator/surveys';
